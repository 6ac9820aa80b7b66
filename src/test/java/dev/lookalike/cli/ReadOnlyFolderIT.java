package dev.lookalike.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A catalogue in a folder its user cannot write, as a user meets it: the commands say why and what to do.
 * Root writes anywhere, so when the tests run as root (CI does) the app runs as user "nobody" through
 * util-linux's setpriv; without either the test skips, saying so.
 */
class ReadOnlyFolderIT {

    private static final int NOBODY = 65534;

    @Test
    void aWalCatalogueAndABakeTargetInAFolderThatIsNotWritableSayWhy() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(!root || Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "running as root without /usr/bin/setpriv: cannot run the app as a user that folder permissions bind");
        Path work = Files.createTempDirectory("lookalike-ro");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Path folder = Files.createDirectories(work.resolve("shop"));
            Files.writeString(work.resolve("one.csv"), "url,name\nhttps://s.test/1,One\n");
            Path live = folder.resolve("live.db");
            App.Result imported = App.run(work, "import", "--catalog", live.toString(), work.resolve("one.csv").toString());
            assertEquals(0, imported.exit(), imported.err());
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.toList()) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));

            App.Result embed = runAs(root, work, "embed", "--catalog", live.toString(), "--model",
                    App.MODELS.resolve("colour-clip").toString());
            assertEquals(5, embed.exit(), embed.err());
            assertTrue(embed.err().contains("WAL") && embed.err().contains(folder.toString())
                    && embed.err().contains("bake"), embed.err());

            // a catalogue the user may write, baked into the folder they may not
            Path own = Files.createDirectories(work.resolve("mine"));
            Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path source = own.resolve("imp.db");
            App.Result copy = runAs(root, work, "import", "--catalog", source.toString(), work.resolve("one.csv").toString());
            assertEquals(0, copy.exit(), copy.err());
            Path out = folder.resolve("baked.db");
            App.Result bake = runAs(root, work, "bake", "--catalog", source.toString(), "--out", out.toString());
            assertEquals(5, bake.exit(), bake.err());
            assertTrue(bake.err().contains(out.toString()) && bake.err().contains("not writable"), bake.err());
            assertFalse(bake.err().contains("cannot open catalogue " + source), bake.err());
        } finally {
            try (Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    p.toFile().setWritable(true);
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static App.Result runAs(boolean root, Path work, String... args) throws Exception {
        ProcessBuilder pb = App.builder(work, args);
        if (root) {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                    "--clear-groups", "--"));
            cmd.addAll(pb.command());
            pb.command(cmd);
            pb.environment().put("HOME", work.toString());
        }
        return App.run(pb, work, args);
    }
}
