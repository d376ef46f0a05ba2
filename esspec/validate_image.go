package esspec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validImageVersion: spec.image must hold spec.version, and X-Pack where
// esgen writes X-Pack settings.
//
// esgen renders the settings, roles, probes and checks of spec.version,
// so an image of another version gets settings it may refuse (node.roles
// before 7.9, discovery.zen.* from 8.0) or misread. An official
// repository's tags are the versions they hold, so its tag must be
// spec.version (a suffix such as -alpine or -amd64 may follow); a tag
// that moves (latest, 8.19) or a digest alone does not say the version.
// A mirror (any other registry) names its tags as it likes: when its
// repository is called elasticsearch and its tag starts with an x.y.z
// version, that version must be spec.version too; other tags, and
// digests, are the mirror's business.
func validImageVersion(v *checker) field.ErrorList {
	s := v.c.Spec
	if !v.versionOK || strings.TrimSpace(s.Image) == "" || strings.ContainsFunc(s.Image, unicode.IsSpace) {
		return nil
	}
	img := ParseImage(s.Image)
	path := specPath.Child("image")
	if msg := imageLacks(v.version, img); msg != "" {
		return field.ErrorList{field.Invalid(path, s.Image, msg)}
	}
	version := s.Version
	want := img.Repository() + ":" + version
	tag, tagged := img.TagVersion()
	switch {
	case img.OfficialElasticsearch() && !tagged && img.Tag == "" && img.Digest != "":
		return field.ErrorList{field.Invalid(path, s.Image, fmt.Sprintf(
			"the tag must be spec.version (%s): a digest alone does not say which version the image holds; write %s@%s", version, want, img.Digest))}
	case img.OfficialElasticsearch() && !tagged:
		return field.ErrorList{field.Invalid(path, s.Image, fmt.Sprintf(
			"the tag must be spec.version (%s), not a tag that moves to other versions: esgen renders the settings of spec.version; use %s", version, want))}
	case tagged && tag != version && (img.OfficialElasticsearch() || img.Name() == "elasticsearch" || img.OSS()):
		return field.ErrorList{field.Invalid(path, s.Image, fmt.Sprintf(
			"the tag must be spec.version (%s): the tag names Elasticsearch %s, and esgen renders the settings of spec.version, which a node of another version may refuse; use %s, or set spec.version: %s", version, tag, want, tag))}
	}
	return nil
}

// imageLacks says why an image cannot run what esgen renders for v, or
// returns "".
//
// OSS images are refused rather than rendered without X-Pack. esgen
// writes xpack.security.enabled on every node from 5.0 (so that no
// version falls back to its own default, and 8.x does not try to
// auto-configure security) and the X-Pack roles (node.ml 5.4-7.8,
// node.transform and node.voting_only 7.x; ml, transform and the data
// tiers in node.roles), and an OSS node refuses to start with a setting
// no installed module registers ("unknown setting [...] please check that
// any required plugins are installed", AbstractScopedSettings). Rendering
// OSS would fork roles, security, Kibana (kibana-oss) and the rollout's
// machine learning steps for images Elastic stopped at 7.10.2, every line
// of which is past its end of life; the default distribution runs the
// same data under the free Basic license, with security off unless
// spec.security.enabled, and replaces the OSS one node by node (a rolling
// upgrade Elastic tests: elastic/elasticsearch qa/rolling-upgrade XPackIT).
func imageLacks(v Version, img Image) string {
	switch {
	case img.OSS() && v.XPack():
		return fmt.Sprintf("the OSS distribution has no X-Pack, and esgen writes X-Pack settings on every node from 5.0 (xpack.security.enabled, the machine learning and other X-Pack roles), which an OSS node refuses as unknown settings: use the default distribution, %s (free under the Basic license; security stays off unless spec.security.enabled)", v.DefaultImage())
	case img.DockerHubLibrary("elasticsearch") && v.Major == 5:
		// docker-library/elasticsearch 5/Dockerfile installs the Debian
		// package on openjdk:8-jre and steps down from root with gosu.
		return fmt.Sprintf("Docker Hub's elasticsearch 5.x images are built from the Debian package, without X-Pack, and start as root; esgen renders Elastic's image for 5.x: use %s", v.DefaultImage())
	case img.Registry == elasticRegistry && img.OfficialElasticsearch() && v.Major < 5:
		return fmt.Sprintf("Elastic's registry starts at 5.0: use Docker Hub's %s", v.DefaultImage())
	}
	return ""
}

// validKibanaImage: spec.kibana.image must hold a Kibana of the minor
// that goes with spec.version. Kibana refuses an Elasticsearch of another
// major and is not supported on an older minor; patch releases may
// differ ("Set Up Kibana", 5.x-8.x; Kibana 4.x requires its 2.x minor).
// As for spec.image, an official repository must carry the version in
// its tag; a mirror's repository called kibana only when its tag starts
// with one.
func validKibanaImage(v *checker) field.ErrorList {
	image := v.c.Spec.Kibana.Image
	path := specPath.Child("kibana", "image")
	img := ParseImage(image)
	want := v.version.KibanaVersion()
	if img.Registry == elasticRegistry && img.OfficialKibana() && want.Major < 5 {
		return field.ErrorList{field.Invalid(path, image, fmt.Sprintf(
			"Elastic's registry starts at 5.0: Elasticsearch %s takes Kibana %s, use Docker Hub's %s", v.version, want, v.version.DefaultKibanaImage()))}
	}
	tag, tagged := img.TagVersion()
	if img.OfficialKibana() && !tagged {
		return field.ErrorList{field.Invalid(path, image, fmt.Sprintf(
			"the tag must be the Kibana version (%s for Elasticsearch %s), not a tag that moves to other versions: use %s:%s", want, v.version, img.Repository(), want))}
	}
	if !tagged || (!img.OfficialKibana() && img.Name() != "kibana" && img.Name() != "kibana-oss") {
		return nil
	}
	if major, minor, ok := majorMinor(tag); !ok || major != want.Major || minor != want.Minor {
		return field.ErrorList{field.Invalid(path, image, fmt.Sprintf(
			"the tag must be a Kibana %d.%d release (%s for Elasticsearch %s): Kibana refuses an Elasticsearch of another major and is not supported on another minor; use %s:%s",
			want.Major, want.Minor, want, v.version, img.Repository(), want))}
	}
	return nil
}

// majorMinor returns the first two numbers of an x.y.z version.
func majorMinor(s string) (int, int, bool) {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}
