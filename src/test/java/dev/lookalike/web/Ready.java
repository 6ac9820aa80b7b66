package dev.lookalike.web;

import io.restassured.RestAssured;

/** Waits for the server under test to have loaded its model and vectors. */
final class Ready {

    private Ready() {}

    static void await() {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (RestAssured.get("/q/health/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready after 2 minutes: " + RestAssured.get("/q/health/ready").asString());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
