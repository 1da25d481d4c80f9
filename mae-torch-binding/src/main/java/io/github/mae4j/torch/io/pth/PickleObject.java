package io.github.mae4j.torch.io.pth;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An allowed Python object read as data, never instantiated: e.g. the {@code argparse.Namespace} under
 * {@code 'args'} in official MAE checkpoints.
 *
 * @param className qualified Python class name, e.g. {@code argparse.Namespace}
 * @param attributes the attributes its pickle set, in order
 */
public record PickleObject(String className, Map<String, @Nullable Object> attributes) {}
