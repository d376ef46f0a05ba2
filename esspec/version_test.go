package esspec_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/esgen/esgen/esspec"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    esspec.Version
		wantErr string
	}{
		{"2.4.6", esspec.Version{Major: 2, Minor: 4, Patch: 6}, ""},
		{"5.6.16", esspec.Version{Major: 5, Minor: 6, Patch: 16}, ""},
		{"7.17.29", esspec.Version{Major: 7, Minor: 17, Patch: 29}, ""},
		{"9.12.0", esspec.Version{Major: 9, Minor: 12}, ""}, // the newest major takes new minors
		{"8.19", esspec.Version{}, "full version x.y.z"},
		{"8.19.1.2", esspec.Version{}, "full version x.y.z"},
		{"v8.19.1", esspec.Version{}, "full version x.y.z"},
		{"8.+1.0", esspec.Version{}, "full version x.y.z"},
		{"8.19.1-SNAPSHOT", esspec.Version{}, "full version x.y.z"},
		{"", esspec.Version{}, "full version x.y.z"},
		{"3.0.0", esspec.Version{}, "unknown Elasticsearch major 3: esgen knows 2.x, 5.x, 6.x, 7.x, 8.x, 9.x"},
		{"2.5.0", esspec.Version{}, "the 2.x line ends at 2.4"},
		{"8.20.0", esspec.Version{}, "the 8.x line ends at 8.19"},
	} {
		got, err := esspec.ParseVersion(tc.in)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("ParseVersion(%q): %v", tc.in, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ParseVersion(%q) error = %v, want %q", tc.in, err, tc.wantErr)
		case got != tc.want:
			t.Errorf("ParseVersion(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func v(t *testing.T, s string) esspec.Version {
	t.Helper()
	ver, err := esspec.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return ver
}

func TestVersionFeatures(t *testing.T) {
	for _, tc := range []struct {
		version                                      string
		rolesList, security, singleNode, syscallFltr bool
		image                                        string
	}{
		{"2.4.6", false, false, false, false, "elasticsearch:2.4.6"},
		{"5.1.2", false, false, false, false, "docker.elastic.co/elasticsearch/elasticsearch:5.1.2"},
		{"5.4.0", false, false, true, true, "docker.elastic.co/elasticsearch/elasticsearch:5.4.0"},
		{"7.8.1", false, false, true, true, "docker.elastic.co/elasticsearch/elasticsearch:7.8.1"},
		{"7.9.0", true, false, true, true, "docker.elastic.co/elasticsearch/elasticsearch:7.9.0"},
		{"8.0.0", true, true, true, false, "docker.elastic.co/elasticsearch/elasticsearch:8.0.0"},
		{"9.5.2", true, true, true, false, "docker.elastic.co/elasticsearch/elasticsearch:9.5.2"},
	} {
		ver := v(t, tc.version)
		if got := ver.NodeRolesList(); got != tc.rolesList {
			t.Errorf("%s NodeRolesList = %v", tc.version, got)
		}
		if got := ver.SecurityByDefault(); got != tc.security {
			t.Errorf("%s SecurityByDefault = %v", tc.version, got)
		}
		if got := ver.SingleNodeDiscovery(); got != tc.singleNode {
			t.Errorf("%s SingleNodeDiscovery = %v", tc.version, got)
		}
		if got := ver.SystemCallFilterSetting(); got != tc.syscallFltr {
			t.Errorf("%s SystemCallFilterSetting = %v", tc.version, got)
		}
		if got := ver.DefaultImage(); got != tc.image {
			t.Errorf("%s DefaultImage = %s", tc.version, got)
		}
	}
}

// TestBasicLicenseSecurity: security is free (on the basic license)
// from 6.8 in 6.x and from 7.1; 7.0 came out before 6.8 and lacks it.
func TestBasicLicenseSecurity(t *testing.T) {
	for version, want := range map[string]bool{
		"2.4.6": false, "5.6.16": false, "6.0.1": false, "6.7.2": false, "6.8.0": true, "6.8.23": true,
		"7.0.0": false, "7.0.1": false, "7.1.0": true, "7.17.29": true, "8.0.0": true, "9.5.2": true,
	} {
		if got := v(t, version).BasicLicenseSecurity(); got != want {
			t.Errorf("%s BasicLicenseSecurity = %v, want %v", version, got, want)
		}
	}
}

func TestRolesPerVersion(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    []esspec.Role
	}{
		{"2.4.6", []esspec.Role{"master", "data"}},
		{"5.3.2", []esspec.Role{"master", "data", "ingest"}},
		{"6.8.23", []esspec.Role{"master", "data", "ingest", "ml"}},
		{"7.6.2", []esspec.Role{"master", "data", "ingest", "ml", "voting_only"}},
		{"7.11.2", []esspec.Role{"master", "data", "ingest", "ml", "data_hot", "data_warm", "data_cold", "data_content", "transform", "remote_cluster_client", "voting_only"}},
		{"7.12.0", esspec.AllRoles},
	} {
		var got []esspec.Role
		for _, r := range esspec.AllRoles {
			if v(t, tc.version).HasRole(r) {
				got = append(got, r)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s roles = %v, want %v", tc.version, got, tc.want)
		}
	}
}

func TestHeap(t *testing.T) {
	for _, tc := range []struct {
		in      string
		bytes   int64
		wantErr string
	}{
		{"4g", 4 << 30, ""},
		{"4G", 4 << 30, ""},
		{"4096m", 4 << 30, ""},
		{"512m", 512 << 20, ""},
		{"1048576k", 1 << 30, ""},
		{"4", 0, "unit k, m or g"},
		{"4gb", 0, "unit k, m or g"},
		{"-4g", 0, "unit k, m or g"},
		{"0g", 0, "greater than zero"},
		{"99999999999999999g", 0, "out of range"},
	} {
		got, err := esspec.ParseHeap(tc.in)
		switch {
		case tc.wantErr == "" && (err != nil || got != tc.bytes):
			t.Errorf("ParseHeap(%q) = %d, %v; want %d", tc.in, got, err, tc.bytes)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ParseHeap(%q) error = %v, want %q", tc.in, err, tc.wantErr)
		}
	}
	for bytes, want := range map[int64]string{4 << 30: "4g", 2560 << 20: "2560m", 1536 << 10: "1536k"} {
		if got := esspec.FormatHeap(bytes); got != want {
			t.Errorf("FormatHeap(%d) = %s, want %s", bytes, got, want)
		}
	}
}

// TestKibanaVersion: Kibana 4.x for each 2.x minor, at the last patch on
// Docker Hub; the same version from 5.0.
func TestKibanaVersion(t *testing.T) {
	for _, tc := range []struct{ version, kibana, image string }{
		{"2.0.2", "4.2.2", "kibana:4.2.2"},
		{"2.1.2", "4.3.3", "kibana:4.3.3"},
		{"2.2.2", "4.4.2", "kibana:4.4.2"},
		{"2.3.5", "4.5.4", "kibana:4.5.4"},
		{"2.4.6", "4.6.6", "kibana:4.6.6"},
		{"5.0.2", "5.0.2", "docker.elastic.co/kibana/kibana:5.0.2"},
		{"6.8.23", "6.8.23", "docker.elastic.co/kibana/kibana:6.8.23"},
		{"9.5.2", "9.5.2", "docker.elastic.co/kibana/kibana:9.5.2"},
	} {
		ver := v(t, tc.version)
		if got := ver.KibanaVersion().String(); got != tc.kibana {
			t.Errorf("%s: Kibana %s, want %s", tc.version, got, tc.kibana)
		}
		if got := ver.DefaultKibanaImage(); got != tc.image {
			t.Errorf("%s: Kibana image %s, want %s", tc.version, got, tc.image)
		}
	}
}
