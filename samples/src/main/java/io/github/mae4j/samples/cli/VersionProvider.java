package io.github.mae4j.samples.cli;

import picocli.CommandLine;

/** Version line of {@code mae --version}. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = MaeCommand.class.getPackage().getImplementationVersion();
    return new String[] {"mae4j " + (v == null ? "0.1.0-SNAPSHOT" : v)};
  }
}
