package io.github.mae4j.samples;

import io.github.mae4j.api.Json;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.VitSize;

/** Composing MAE variants from Java. */
public final class JavaConfigs {
  private JavaConfigs() {}

  /** ViT-H/14 whose encoder also sees mask tokens: the paper's Table 1c ablation. */
  public static MaeConfig hugeWithMaskTokensInEncoder() {
    return MaeConfig.vitH14().withEncoderTakesMaskTokens(true);
  }

  /** ViT-B/16 at 90% masking with a 4-block, 256-wide decoder. */
  public static MaeConfig baseHighMasking() {
    return MaeConfig.builder()
        .encoder(VitSize.BASE)
        .decoder(d -> d.embedDim(256).depth(4).numHeads(8))
        .maskRatio(0.9)
        .build();
  }

  /** The README's example (the README shows these lines; the site includes them from here). */
  public static String readmeExample() {
    // tag::readme[]
    MaeConfig config = MaeConfig.builder()
        .encoder(VitSize.BASE)                              // ViT-B: 768 wide, 12 deep, 12 heads
        .decoder(d -> d.embedDim(256).depth(4).numHeads(8)) // edits the default 512×8 decoder
        .maskRatio(0.9)
        .build();                                           // rejects what cannot work, naming field and rule
    MaeConfig large = MaeConfig.vitL16().withMaskRatio(0.75);
    long params = config.getParameterCount();              // from the architecture
    String json = Json.write(config);                       // and Json.read(json, MaeConfig.class)
    // end::readme[]
    return params + " parameters; ViT-L masks " + large.getNumMasked() + " patches; " + json;
  }

  public static void main(String[] args) {
    for (MaeConfig c : new MaeConfig[] {hugeWithMaskTokensInEncoder(), baseHighMasking()}) {
      System.out.printf("%d params, %.2f GMAC forward, %d visible of %d%n",
          c.getParameterCount(), c.getForwardMacs() / 1e9, c.getNumVisible(), c.getNumPatches());
    }
    System.out.println(Json.write(baseHighMasking()));
    System.out.println(readmeExample());
  }
}
