package io.github.mae4j.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The POMs carry what Maven Central requires of a published library, and the libraries attach their jars. */
class PublishingMetadataTest {
  static final Path REPO = ReferencePagesTest.REPO;

  @Test
  void parentPom_hasNameDescriptionUrlLicenseScmAndDevelopers() throws Exception {
    Document pom = read(REPO.resolve("pom.xml"));
    for (String path : new String[] {"name", "description", "url", "licenses/license/name", "licenses/license/url",
        "scm/url", "scm/connection", "developers/developer/name"}) {
      assertThat(text(pom, "/project/" + path)).as(path).isNotBlank();
    }
  }

  @Test
  void everyLibrary_hasNameDescriptionAndAttachesSourcesAndJavadocJars() throws Exception {
    for (ApiOverview.Module m : ApiOverview.LIBRARIES) {
      Path dir = REPO.resolve(m.artifactId());
      Document pom = read(dir.resolve("pom.xml"));
      assertThat(text(pom, "/project/name")).as(m.artifactId()).isNotBlank();
      assertThat(text(pom, "/project/description")).as(m.artifactId()).isNotBlank();
      assertThat(text(pom, "count(/project/build/plugins/plugin[artifactId='maven-source-plugin'"
          + " or artifactId='maven-javadoc-plugin'])")).as(m.artifactId()).isEqualTo("2");
      String version = text(read(REPO.resolve("pom.xml")), "/project/version");
      Path jar = dir.resolve("target/" + m.artifactId() + "-" + version + ".jar");
      if (Files.exists(jar)) { // packaged in this build: its companions are there too
        assertThat(dir.resolve("target/" + m.artifactId() + "-" + version + "-sources.jar")).isNotEmptyFile();
        assertThat(dir.resolve("target/" + m.artifactId() + "-" + version + "-javadoc.jar")).isNotEmptyFile();
      }
    }
  }

  private static Document read(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  private static String text(Document doc, String xpath) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(xpath, doc).strip();
  }
}
