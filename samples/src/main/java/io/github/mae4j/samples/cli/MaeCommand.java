package io.github.mae4j.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mae <verb> [options]}: pretrain, inspect and use masked autoencoders. Exit codes: 0 ok, 1 failed, 2 usage.
 */
@Command(
    name = "mae",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Masked autoencoders (He et al., 2021) on libtorch.",
    subcommands = {
      CommandLine.HelpCommand.class,
      InfoCommand.class,
      RecipesCommand.class,
      PretrainCommand.class,
      ResumeCommand.class,
      ReconstructCommand.class,
      FinetuneCommand.class,
      LinprobeCommand.class,
      KnnCommand.class,
      FeaturesCommand.class,
      ShardsCommand.class,
      StatsCommand.class,
      LaunchCommand.class,
      ConvertCommand.class,
    })
public final class MaeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing verb: see 'mae --help'");
  }

  /** The command line with mae4j's exit-code and error conventions. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new MaeCommand());
    cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? 2 : 1);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(cmd.getColorScheme().errorText("mae " + cmd.getCommandName() + ": " + message(e)));
      if (Boolean.getBoolean("mae4j.debug")) {
        e.printStackTrace(cmd.getErr());
      }
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cl;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
