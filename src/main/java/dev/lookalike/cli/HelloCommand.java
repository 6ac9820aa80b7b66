package dev.lookalike.cli;

import picocli.CommandLine;

@CommandLine.Command(name = "hello")
public class HelloCommand implements Runnable {
    public void run() { System.out.println("hello"); }
}
