/** Picocli commands: thin edges that parse arguments, call one service and map errors to exit codes. */
package dev.lookalike.cli;
