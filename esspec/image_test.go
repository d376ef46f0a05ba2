package esspec_test

import (
	"testing"

	"github.com/esgen/esgen/esspec"
)

func TestParseImage(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		in   string
		want esspec.Image
		repo string // Repository()
		tag  string // TagVersion(), "" when none
	}{
		{"elasticsearch:2.4.6", esspec.Image{Registry: "docker.io", Path: "library/elasticsearch", Tag: "2.4.6"}, "elasticsearch", "2.4.6"},
		{"elasticsearch", esspec.Image{Registry: "docker.io", Path: "library/elasticsearch"}, "elasticsearch", ""},
		{"docker.io/library/elasticsearch:8.19.20", esspec.Image{Registry: "docker.io", Path: "library/elasticsearch", Tag: "8.19.20"}, "elasticsearch", "8.19.20"},
		{"index.docker.io/elastic/elasticsearch:8.19.20", esspec.Image{Registry: "docker.io", Path: "elastic/elasticsearch", Tag: "8.19.20"}, "elastic/elasticsearch", "8.19.20"},
		{"docker.elastic.co/elasticsearch/elasticsearch:8.19.20@" + digest,
			esspec.Image{Registry: "docker.elastic.co", Path: "elasticsearch/elasticsearch", Tag: "8.19.20", Digest: digest},
			"docker.elastic.co/elasticsearch/elasticsearch", "8.19.20"},
		{"docker.elastic.co/elasticsearch/elasticsearch@" + digest,
			esspec.Image{Registry: "docker.elastic.co", Path: "elasticsearch/elasticsearch", Digest: digest},
			"docker.elastic.co/elasticsearch/elasticsearch", ""},
		{"Registry.Internal:5000/elastic/elasticsearch:8.19.20-amd64",
			esspec.Image{Registry: "registry.internal:5000", Path: "elastic/elasticsearch", Tag: "8.19.20-amd64"},
			"registry.internal:5000/elastic/elasticsearch", "8.19.20"},
		{"registry.internal:5000/es", esspec.Image{Registry: "registry.internal:5000", Path: "es"}, "registry.internal:5000/es", ""},
		{"localhost/elasticsearch:v7.17.29", esspec.Image{Registry: "localhost", Path: "elasticsearch", Tag: "v7.17.29"}, "localhost/elasticsearch", "7.17.29"},
		{"mycorp/elasticsearch:8.19.201", esspec.Image{Registry: "docker.io", Path: "mycorp/elasticsearch", Tag: "8.19.201"}, "mycorp/elasticsearch", "8.19.201"},
		{"elasticsearch:8.19", esspec.Image{Registry: "docker.io", Path: "library/elasticsearch", Tag: "8.19"}, "elasticsearch", ""},
		{"elasticsearch:latest", esspec.Image{Registry: "docker.io", Path: "library/elasticsearch", Tag: "latest"}, "elasticsearch", ""},
	} {
		got := esspec.ParseImage(tc.in)
		if got != tc.want {
			t.Errorf("ParseImage(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if r := got.Repository(); r != tc.repo {
			t.Errorf("ParseImage(%q).Repository() = %q, want %q", tc.in, r, tc.repo)
		}
		if v, _ := got.TagVersion(); v != tc.tag {
			t.Errorf("ParseImage(%q).TagVersion() = %q, want %q", tc.in, v, tc.tag)
		}
	}
}

// TestKibanaImage: Kibana comes from Elastic (Docker Hub for 4.x) when
// Elasticsearch does, and from the mirror beside Elasticsearch otherwise.
func TestKibanaImage(t *testing.T) {
	for _, tc := range []struct{ version, es, want string }{
		{"8.19.20", "docker.elastic.co/elasticsearch/elasticsearch:8.19.20", "docker.elastic.co/kibana/kibana:8.19.20"},
		{"8.19.20", "elastic/elasticsearch:8.19.20", "docker.elastic.co/kibana/kibana:8.19.20"},
		{"6.8.23", "elasticsearch:6.8.23", "docker.elastic.co/kibana/kibana:6.8.23"},
		{"2.4.6", "elasticsearch:2.4.6", "kibana:4.6.6"},
		{"2.3.5", "docker.io/library/elasticsearch:2.3.5-alpine", "kibana:4.5.4"},
		{"8.19.20", "registry.internal/elastic/elasticsearch:8.19.20", "registry.internal/elastic/kibana:8.19.20"},
		// A mirror that keeps Elastic's layout keeps it for Kibana too.
		{"8.19.20", "harbor.internal:8443/proxy/elasticsearch/elasticsearch:8.19.20-amd64", "harbor.internal:8443/proxy/kibana/kibana:8.19.20"},
		{"9.5.2", "registry.internal/elastic/elasticsearch@sha256:0123", "registry.internal/elastic/kibana:9.5.2"},
		{"2.4.6", "registry.internal/library/elasticsearch:2.4.6", "registry.internal/library/kibana:4.6.6"},
		{"7.17.29", "registry.internal/es:7.17.29", "registry.internal/kibana:7.17.29"},
		{"8.19.20", "mycorp/elasticsearch:8.19.20", "mycorp/kibana:8.19.20"},
	} {
		v, err := esspec.ParseVersion(tc.version)
		if err != nil {
			t.Fatal(err)
		}
		if got := esspec.KibanaImage(v, tc.es); got != tc.want {
			t.Errorf("KibanaImage(%s, %s) = %s, want %s", tc.version, tc.es, got, tc.want)
		}
	}
}
