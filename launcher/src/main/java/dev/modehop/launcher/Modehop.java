package dev.modehop.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code modehop} command. */
@Command(name = "modehop", mixinStandardHelpOptions = true, version = "modehop 0.1.0",
        description = "Watches LM pre-training runs live and catches mode hops on behavioural probes.%n",
        subcommands = {UpCommand.class, DemoCommand.class, PublishCommand.class, ReplayCommand.class, WatchCommand.class,
                DetectCommand.class, ScoreCommandLine.class, DashboardCommand.class, NotifyCommand.class, FlinkCommand.class,
                ServiceCommands.Streams.class, ServiceCommands.Scorer.class,
                ServiceCommands.TopicsGroup.class,
                CommandLine.HelpCommand.class})
public final class Modehop implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Modehop());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            cmd.getErr().println("modehop: error: " + cause.getMessage());
            return e instanceof UserInputException ? 2 : 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
