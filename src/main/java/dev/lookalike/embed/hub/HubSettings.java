package dev.lookalike.embed.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Endpoint, token, cache folder, offline flag: read from the environment like huggingface_hub
 * ({@code constants.py} and {@code utils/_auth.py}).
 *
 * @param endpoint the Hub, without a trailing slash
 * @param token    sent as {@code Authorization: Bearer} to the endpoint's host only; {@code null} for none
 * @param cacheDir the hub cache ({@code models--OWNER--NAME/} folders live in it)
 * @param offline  no network at all: only the cache answers
 */
public record HubSettings(URI endpoint, String token, Path cacheDir, boolean offline) {

    /** huggingface_hub's {@code _HF_DEFAULT_ENDPOINT}. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    /** huggingface_hub's {@code ENV_VARS_TRUE_VALUES}, compared after upper-casing. */
    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+|\\{([^}]*)})");

    /** @throws IllegalArgumentException when the endpoint is not an absolute http(s) URL or a part is missing */
    public HubSettings {
        if (endpoint == null || cacheDir == null) {
            throw new IllegalArgumentException("a Hub endpoint and a cache folder are required");
        }
        String scheme = endpoint.getScheme();
        if (endpoint.getHost() == null || scheme == null
                || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
            throw new IllegalArgumentException("HF_ENDPOINT '" + endpoint + "' is not an http(s) URL with a host");
        }
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.replaceAll("/+$", ""));
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
    }

    /**
     * Reads {@code HF_ENDPOINT} (default https://huggingface.co, trailing slashes removed);
     * {@code HF_TOKEN}, else {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code HF_TOKEN_PATH}
     * (default {@code $HF_HOME/token}), each with newlines and surrounding blanks removed, none when
     * {@code HF_HUB_DISABLE_IMPLICIT_TOKEN} is true; {@code HF_HUB_CACHE}, else
     * {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}, where {@code HF_HOME} defaults to
     * {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}; {@code HF_HUB_OFFLINE}
     * (else {@code TRANSFORMERS_OFFLINE}) true when it is 1, ON, YES or TRUE in any case. Paths get
     * {@code ~} and {@code $VAR} expanded as Python's {@code expanduser} and {@code expandvars} do.
     *
     * @param env usually {@code System.getenv()}
     * @throws IllegalArgumentException when HF_ENDPOINT is not an http(s) URL
     */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String endpointText = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT.toString()).replaceAll("/+$", "");
        URI endpoint;
        try {
            endpoint = URI.create(endpointText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT '" + endpointText + "' is not a URL");
        }
        String home = env.get("HOME") != null ? env.get("HOME") : System.getProperty("user.home");
        String defaultHome = home + "/.cache";
        Path hfHome = path(env.getOrDefault("HF_HOME",
                env.getOrDefault("XDG_CACHE_HOME", defaultHome) + "/huggingface"), env, home);
        Path cache = path(env.getOrDefault("HF_HUB_CACHE",
                env.getOrDefault("HUGGINGFACE_HUB_CACHE", hfHome.resolve("hub").toString())), env, home);
        boolean offline = isTrue(or(env.get("HF_HUB_OFFLINE"), env.get("TRANSFORMERS_OFFLINE")));
        String token = null;
        if (!isTrue(env.get("HF_HUB_DISABLE_IMPLICIT_TOKEN"))) {
            token = clean(or(env.get("HF_TOKEN"), env.get("HUGGING_FACE_HUB_TOKEN")));
            if (token == null) {
                Path tokenFile = path(env.getOrDefault("HF_TOKEN_PATH", hfHome.resolve("token").toString()), env, home);
                token = readToken(tokenFile);
            }
        }
        return new HubSettings(endpoint, token, cache, offline);
    }

    /** These settings with {@code offline} replaced. */
    public HubSettings withOffline(boolean offline) {
        return new HubSettings(endpoint, token, cacheDir, offline);
    }

    @Override
    public String toString() {
        // Never print the token.
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set")
                + ", cacheDir=" + cacheDir + ", offline=" + offline + "]";
    }

    /** huggingface_hub's {@code _is_true}. */
    static boolean isTrue(String value) {
        return value != null && TRUE_VALUES.contains(value.toUpperCase(Locale.ROOT));
    }

    /** Python's {@code a or b} on strings: an empty string counts as absent. */
    private static String or(String a, String b) {
        return a != null && !a.isEmpty() ? a : b;
    }

    /** huggingface_hub's {@code _clean_token}: newlines removed, blanks stripped, empty means none. */
    static String clean(String token) {
        if (token == null) {
            return null;
        }
        String t = token.replace("\r", "").replace("\n", "").strip();
        return t.isEmpty() ? null : t;
    }

    private static String readToken(Path file) {
        try {
            return clean(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // huggingface_hub would fail here; an unreadable token file is better treated as no token.
            return null;
        }
    }

    /** {@code os.path.expandvars(os.path.expanduser(p))}. */
    private static Path path(String p, Map<String, String> env, String home) {
        String s = p;
        if (s.equals("~") || s.startsWith("~/")) {
            s = home + s.substring(1);
        }
        Matcher m = VARIABLE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2) != null ? m.group(2) : m.group(1);
            String value = env.get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return Path.of(out.toString());
    }
}
