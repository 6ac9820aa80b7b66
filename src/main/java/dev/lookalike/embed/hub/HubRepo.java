package dev.lookalike.embed.hub;

import java.util.regex.Pattern;

/**
 * OWNER/NAME at a revision (branch, tag or 40-hex commit; default "main").
 *
 * @param id       {@code OWNER/NAME}, checked like huggingface_hub's {@code validate_repo_id}
 * @param revision a branch, a tag or a commit hash; {@code null} means {@code "main"}
 */
public record HubRepo(String id, String revision) {

    /** The branch huggingface_hub uses when none is given. */
    public static final String DEFAULT_REVISION = "main";

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** @throws IllegalArgumentException naming what is wrong with the id or the revision */
    public HubRepo {
        if (revision == null) {
            revision = DEFAULT_REVISION;
        }
        checkId(id);
        checkRevision(id, revision);
    }

    /** {@code OWNER/NAME} at {@code main}. @throws IllegalArgumentException as the canonical constructor */
    public HubRepo(String id) {
        this(id, DEFAULT_REVISION);
    }

    /**
     * Parses {@code "OWNER/NAME"} or {@code "OWNER/NAME@REVISION"} (the part after {@code "hf:"}).
     *
     * @throws IllegalArgumentException naming what is wrong: bad characters, no slash, {@code ".."} or
     *                                  {@code "--"}, an empty revision
     */
    public static HubRepo parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty Hugging Face repo: expected OWNER/NAME or OWNER/NAME@REVISION");
        }
        int at = spec.indexOf('@');
        if (at < 0) {
            return new HubRepo(spec, DEFAULT_REVISION);
        }
        String revision = spec.substring(at + 1);
        if (revision.isEmpty()) {
            throw new IllegalArgumentException("empty revision after '@' in Hugging Face repo '" + spec
                    + "': expected OWNER/NAME@BRANCH, a tag or a commit hash");
        }
        return new HubRepo(spec.substring(0, at), revision);
    }

    /** Whether the revision is a full commit hash, which never moves (huggingface_hub's REGEX_COMMIT_HASH). */
    boolean pinned() {
        return isCommitHash(revision);
    }

    /** {@code https://huggingface.co/OWNER/NAME}: the page where its licence is accepted. */
    String pageUrl(java.net.URI endpoint) {
        return endpoint + "/" + id;
    }

    @Override
    public String toString() {
        return id + "@" + revision;
    }

    static boolean isCommitHash(String s) {
        return COMMIT.matcher(s).matches();
    }

    private static void checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("empty Hugging Face repo: expected OWNER/NAME");
        }
        String[] parts = id.split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("Hugging Face repo '" + id + "' must be OWNER/NAME with exactly one '/'");
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("Hugging Face repo '" + id + "' has an empty owner or name");
            }
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException("Hugging Face repo '" + id
                        + "' may only use letters, digits, '-', '_' and '.'");
            }
            char first = part.charAt(0);
            char last = part.charAt(part.length() - 1);
            if (first == '-' || first == '.' || last == '-' || last == '.') {
                throw new IllegalArgumentException("Hugging Face repo '" + id
                        + "': owner and name cannot start or end with '-' or '.'");
            }
        }
        if (parts[1].length() > 96) {
            throw new IllegalArgumentException("Hugging Face repo '" + id + "': the name is longer than 96 characters");
        }
        if (id.contains("--") || id.contains("..")) {
            throw new IllegalArgumentException("Hugging Face repo '" + id + "' cannot contain '--' or '..'");
        }
        if (id.endsWith(".git")) {
            throw new IllegalArgumentException("Hugging Face repo '" + id + "' cannot end with '.git'");
        }
    }

    private static void checkRevision(String id, String revision) {
        if (revision.isEmpty()) {
            throw new IllegalArgumentException("empty revision for Hugging Face repo '" + id + "'");
        }
        // The revision names a file under refs/ in the cache: refuse anything that could leave it.
        for (String segment : revision.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("revision '" + revision + "' of Hugging Face repo '" + id
                        + "' has an empty, '.' or '..' path segment");
            }
        }
        for (int i = 0; i < revision.length(); i++) {
            char c = revision.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '\\' || c == ':' || c == '~' || c == '^' || c == '?' || c == '*'
                    || c == '[') {
                throw new IllegalArgumentException("revision '" + revision + "' of Hugging Face repo '" + id
                        + "' contains a character git does not allow in a branch or tag (" + describe(c) + ")");
            }
        }
    }

    private static String describe(char c) {
        return c <= ' ' || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
