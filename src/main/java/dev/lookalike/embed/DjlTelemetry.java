package dev.lookalike.embed;

/**
 * Keeps DJL from phoning home. DJL 0.36.0 calls {@code ai.djl.util.Ec2Utils.callHome} from
 * {@code Engine}'s static initialiser ({@code initEngine()}, the first time any code touches {@code Engine},
 * e.g. {@code Model.newInstance}) and again from every HuggingFace tokenizer it creates; callHome asks the
 * EC2 metadata service at http://169.254.169.254 for the instance id and region, then fetches a telemetry
 * URL on S3, unless {@code Utils.isOfflineMode()} ({@code DJL_OFFLINE} / {@code ai.djl.offline}) or
 * {@code Boolean.parseBoolean(Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING"))}, which reads the environment
 * variable first and then the system property of that name (api/src/main/java/ai/djl/util/Ec2Utils.java and
 * Utils.java at tag v0.36.0). Offline mode is the user's to choose (it also stops DJL fetching a libtorch
 * that is not bundled), so the opt-out is the switch the app sets. {@link TorchThread} calls this before
 * any model work, and {@code cli/Main} before anything else.
 */
public final class DjlTelemetry {

    static final String OPT_OUT = "OPT_OUT_TRACKING";

    private DjlTelemetry() {}

    /**
     * Sets the system property {@code OPT_OUT_TRACKING=true} unless the user set that property or the
     * environment variable of the same name (DJL reads the variable first, so an explicit
     * {@code OPT_OUT_TRACKING=false} in the environment still wins). Call before DJL's {@code Engine} class
     * initialises; calling it again does nothing.
     */
    public static void optOut() {
        if (System.getenv(OPT_OUT) == null && System.getProperty(OPT_OUT) == null) {
            System.setProperty(OPT_OUT, "true");
        }
    }
}
