package dev.modehop.launcher;

import dev.modehop.streams.FormatLocale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code modehop} command. */
@Command(name = "modehop", mixinStandardHelpOptions = true, version = Modehop.VERSION,
        description = "Watches LM pre-training runs live and catches mode hops on behavioural probes.%n",
        subcommands = {UpCommand.class, DemoCommand.class, PublishCommand.class, ReplayCommand.class, WatchCommand.class,
                DetectCommand.class, ScoreCommandLine.class, DashboardCommand.class, NotifyCommand.class, FlinkCommand.class,
                ProbesCommand.class, TestCommand.class, ReportCommand.class, ServiceCommands.Streams.class, ServiceCommands.Scorer.class,
                ServiceCommands.TopicsGroup.class,
                CommandLine.HelpCommand.class})
public final class Modehop implements Runnable {
    static final String VERSION = "modehop 0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        FormatLocale.pin();
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Modehop());
        versionEverywhere(cli);
        // A usage error is one line, like every other error, naming where the full usage is.
        cli.setParameterExceptionHandler((e, ignored) -> {
            CommandLine cmd = e.getCommandLine();
            String message = e.getMessage();
            if (e instanceof CommandLine.UnmatchedArgumentException u) {
                if (!cmd.getSubcommands().isEmpty() && !u.getUnmatched().isEmpty()) {
                    message = "unknown command '" + u.getUnmatched().get(0) + "'";
                }
                if (!u.getSuggestions().isEmpty()) {
                    message += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
                }
            }
            cmd.getErr().println("modehop: error: " + message + hint(cmd));
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            boolean user = e instanceof UserInputException;
            String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            cmd.getErr().println("modehop: error: " + message
                    + (user && !(e instanceof UnreachableException) ? hint(cmd) : ""));
            return user ? 2 : 1;
        });
        return cli.execute(args);
    }

    private static String hint(CommandLine cmd) {
        return " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')";
    }

    /** {@code -V} is on every subcommand (mixinStandardHelpOptions); it prints the one version. */
    private static void versionEverywhere(CommandLine cmd) {
        cmd.getCommandSpec().version(VERSION);
        cmd.getSubcommands().values().forEach(Modehop::versionEverywhere);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
