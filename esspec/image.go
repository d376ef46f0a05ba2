package esspec

import (
	"strings"
)

// Image is a container image reference split the way registries read it
// (github.com/distribution/reference): [registry/]path[:tag][@digest].
type Image struct {
	// Registry is the registry host (and port); docker.io for Docker Hub,
	// which is also what a reference without a registry means.
	Registry string
	// Path is the repository path; a one-part Docker Hub path gets the
	// library/ prefix of the official images, as docker pull does.
	Path string
	// Tag and Digest are empty when the reference has none.
	Tag, Digest string
}

// dockerHub is the registry of references that name none.
const dockerHub = "docker.io"

// elasticRegistry is Elastic's own registry, whose Elasticsearch and
// Kibana tags are the versions they hold.
const elasticRegistry = "docker.elastic.co"

// ParseImage splits an image reference. The first path part is a
// registry when it holds a dot or a colon or is localhost, as Docker
// decides; docker.io's other names (index.docker.io, registry-1.docker.io)
// become docker.io. It never fails: validation reports references with
// white space, and a malformed one simply matches no known repository.
func ParseImage(s string) Image {
	var img Image
	s, img.Digest, _ = strings.Cut(s, "@")
	if i := strings.LastIndex(s, ":"); i > strings.LastIndex(s, "/") {
		s, img.Tag = s[:i], s[i+1:]
	}
	first, rest, more := strings.Cut(s, "/")
	if more && (strings.ContainsAny(first, ".:") || first == "localhost") {
		img.Registry, img.Path = strings.ToLower(first), rest
	} else {
		img.Registry, img.Path = dockerHub, s
	}
	switch img.Registry {
	case "index.docker.io", "registry-1.docker.io":
		img.Registry = dockerHub
	}
	if img.Registry == dockerHub && !strings.Contains(img.Path, "/") {
		img.Path = "library/" + img.Path
	}
	return img
}

// Repository returns the registry and path, without tag or digest, the
// way the official images are usually written: Docker Hub's library
// images without registry and prefix.
func (img Image) Repository() string {
	if img.Registry == dockerHub {
		if name, ok := strings.CutPrefix(img.Path, "library/"); ok {
			return name
		}
		return img.Path
	}
	return img.Registry + "/" + img.Path
}

// Name returns the last part of the path, e.g. elasticsearch.
func (img Image) Name() string {
	return img.Path[strings.LastIndex(img.Path, "/")+1:]
}

// tagVersion matches a tag that starts with a full x.y.z version: the
// version itself, a v in front, or a suffix after it such as -amd64,
// -alpine or .1 (a mirror's rebuild).
var tagVersion = lazyRegexp(`^v?([0-9]+\.[0-9]+\.[0-9]+)(?:[^0-9]|$)`)

// TagVersion returns the x.y.z version the tag starts with, and false
// when it names none (latest, 8, 8.19, a digest without a tag).
func (img Image) TagVersion() (string, bool) {
	m := tagVersion().FindStringSubmatch(img.Tag)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// OfficialElasticsearch reports whether the image is a repository whose
// tags are the Elasticsearch versions they hold: Elastic's registry
// (docker.elastic.co/elasticsearch/elasticsearch, -oss and the other
// flavours under docker.elastic.co/elasticsearch/), Docker Hub's official
// image (elasticsearch, library/elasticsearch) and Elastic's own Docker
// Hub repository (elastic/elasticsearch). Any other registry is a mirror.
func (img Image) OfficialElasticsearch() bool {
	switch img.Registry {
	case elasticRegistry:
		return strings.HasPrefix(img.Path, "elasticsearch/")
	case dockerHub:
		return img.Path == "library/elasticsearch" || img.Path == "elastic/elasticsearch"
	}
	return false
}

// OfficialKibana is OfficialElasticsearch for Kibana's repositories.
func (img Image) OfficialKibana() bool {
	switch img.Registry {
	case elasticRegistry:
		return strings.HasPrefix(img.Path, "kibana/")
	case dockerHub:
		return img.Path == "library/kibana" || img.Path == "elastic/kibana"
	}
	return false
}

// OSS reports whether the image is Elastic's OSS distribution, without
// X-Pack (docker.elastic.co/elasticsearch/elasticsearch-oss, 6.0 to
// 7.10.2, or a mirror of it under the same name).
func (img Image) OSS() bool {
	return img.Name() == "elasticsearch-oss"
}

// DockerHubLibrary reports whether the image is Docker Hub's official
// (library) image of that name.
func (img Image) DockerHubLibrary(name string) bool {
	return img.Registry == dockerHub && img.Path == "library/"+name
}

// KibanaImage returns the default spec.kibana.image of a cluster of
// version v that runs esImage: the official Kibana image of the version
// (see Version.DefaultKibanaImage) when esImage is an official
// repository, else the Kibana image on the mirror: the registry and path
// of esImage with its last part (elasticsearch) replaced by kibana, and
// a mirror that keeps Elastic's layout (.../elasticsearch/elasticsearch)
// giving .../kibana/kibana, tagged with the Kibana version. A platform
// that mirrors Elasticsearch mirrors Kibana beside it, and its pods may
// not reach Elastic's registry at all.
func KibanaImage(v Version, esImage string) string {
	img := ParseImage(esImage)
	if img.OfficialElasticsearch() || img.Path == "" {
		return v.DefaultKibanaImage()
	}
	parts := strings.Split(img.Path, "/")
	n := len(parts)
	parts[n-1] = "kibana"
	if n > 1 && parts[n-2] == "elasticsearch" {
		parts[n-2] = "kibana"
	}
	kibana := Image{Registry: img.Registry, Path: strings.Join(parts, "/"), Tag: v.KibanaVersion().String()}
	return kibana.String()
}

// String writes the reference back, with the registry when it is not
// Docker Hub.
func (img Image) String() string {
	s := img.Repository()
	if img.Tag != "" {
		s += ":" + img.Tag
	}
	if img.Digest != "" {
		s += "@" + img.Digest
	}
	return s
}
