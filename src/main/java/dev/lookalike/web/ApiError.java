package dev.lookalike.web;

/** What the API answers when it cannot do what was asked: the status again and why. */
public record ApiError(String error, int status) {}
