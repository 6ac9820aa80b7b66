package dev.lookalike.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the vectors and the text model are loaded; the data says what is served or why not. */
@Readiness
@Singleton
public class ServingReadiness implements HealthCheck {

    private final Serving serving;

    @Inject
    ServingReadiness(Serving serving) {
        this.serving = serving;
    }

    @Override
    public HealthCheckResponse call() {
        Serving.Status s = serving.status();
        return HealthCheckResponse.named("catalogue")
                .status(s.phase() == Serving.Phase.READY)
                .withData("phase", s.phase().name().toLowerCase(java.util.Locale.ROOT))
                .withData("message", s.message())
                .build();
    }
}
