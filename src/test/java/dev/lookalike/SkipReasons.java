package dev.lookalike;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test was skipped (an assumption that failed, such as no {@code ../shared}) on the build's console,
 * where surefire and failsafe otherwise only count skips and keep the reason in their report files.
 */
public class SkipReasons implements TestExecutionListener {

    private static String name(TestIdentifier test) {
        return test.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.MethodSource m
                ? m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "." + m.getMethodName()
                : s instanceof org.junit.platform.engine.support.descriptor.ClassSource c ? c.getClassName()
                : test.getDisplayName()).orElse(test.getDisplayName());
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        System.err.println("[SKIPPED] " + name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            System.err.println("[SKIPPED] " + name(test) + ": "
                    + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }
}
