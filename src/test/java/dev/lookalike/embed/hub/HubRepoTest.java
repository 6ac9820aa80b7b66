package dev.lookalike.embed.hub;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubRepoTest {

    @Test
    void ownerSlashNameDefaultsToMain() {
        assertEquals(new HubRepo("openai/clip-vit-base-patch32", "main"), HubRepo.parse("openai/clip-vit-base-patch32"));
        assertEquals("main", new HubRepo("a/b", null).revision());
    }

    @Test
    void aRevisionFollowsTheAt() {
        assertEquals(new HubRepo("Org_1/model.v2", "v1.0"), HubRepo.parse("Org_1/model.v2@v1.0"));
        assertEquals("refs/pr/1", HubRepo.parse("a/b@refs/pr/1").revision());
        String commit = "0123456789abcdef0123456789abcdef01234567";
        assertTrue(HubRepo.parse("a/b@" + commit).pinned());
        assertFalse(HubRepo.parse("a/b@" + commit.toUpperCase()).pinned(), "REGEX_COMMIT_HASH is lower-case");
        assertFalse(HubRepo.parse("a/b@0123456").pinned(), "a short hash is resolved by the Hub");
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertMessage("", "empty");
        assertMessage("model", "exactly one '/'");
        assertMessage("a/b/c", "exactly one '/'");
        assertMessage("/b", "empty owner or name");
        assertMessage("a/", "empty owner or name");
        assertMessage("a/b c", "letters, digits");
        assertMessage("a/b$", "letters, digits");
        assertMessage("a/b..c", "'--' or '..'");
        assertMessage("a/b--c", "'--' or '..'");
        assertMessage("a/-b", "start or end");
        assertMessage("a/b.", "start or end");
        assertMessage("a/b.git", ".git");
        assertMessage("a/" + "x".repeat(97), "96");
        assertMessage("a/b@", "empty revision");
        assertMessage("a/b@../../etc", "'..'");
        assertMessage("a/b@main branch", "U+0020");
        assertMessage("a/b@x\\y", "'\\'");
    }

    private static void assertMessage(String spec, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubRepo.parse(spec), spec);
        assertTrue(e.getMessage().contains(part), spec + " -> " + e.getMessage());
    }
}
