package esspec

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Version is an Elasticsearch release, major.minor.patch.
type Version struct {
	Major, Minor, Patch int
}

// lastMinor is the last minor of each known major. A major without an entry
// here is unknown; the newest major (-1) takes any minor, so that a new
// release needs no esgen change.
var lastMinor = map[int]int{2: 4, 5: 6, 6: 8, 7: 17, 8: 19, 9: -1}

// KnownMajors lists the Elasticsearch majors esgen knows, oldest first.
var KnownMajors = slices.Sorted(maps.Keys(lastMinor))

// LastMinor returns the last minor of a major line that has ended, the
// stepping stone to the next major; false for the newest or an unknown
// major.
func LastMinor(major int) (int, bool) {
	m, ok := lastMinor[major]
	return m, ok && m >= 0
}

// ParseVersion parses a full x.y.z Elasticsearch version and checks that
// its major and minor exist.
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("must be a full version x.y.z, e.g. 8.19.3")
	}
	var n [3]int
	for i, p := range parts {
		// Digits only, no leading zero: strconv.Atoi would accept "+1",
		// and 07.017.029 would name the image 7.17.29 but label it 07.017.029.
		if p == "" || strings.TrimLeft(p, "0123456789") != "" || len(p) > 4 || (len(p) > 1 && p[0] == '0') {
			return Version{}, fmt.Errorf("must be a full version x.y.z, e.g. 8.19.3")
		}
		n[i], _ = strconv.Atoi(p)
	}
	v := Version{n[0], n[1], n[2]}
	last, ok := lastMinor[v.Major]
	if !ok {
		return Version{}, fmt.Errorf("unknown Elasticsearch major %d: esgen knows %s", v.Major, majorList())
	}
	if last >= 0 && v.Minor > last {
		return Version{}, fmt.Errorf("unknown Elasticsearch version: the %d.x line ends at %d.%d", v.Major, v.Major, last)
	}
	return v, nil
}

func majorList() string {
	s := make([]string, len(KnownMajors))
	for i, m := range KnownMajors {
		s[i] = strconv.Itoa(m) + ".x"
	}
	return strings.Join(s, ", ")
}

// String returns x.y.z.
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than o.
func (v Version) Compare(o Version) int {
	for _, d := range [3]int{v.Major - o.Major, v.Minor - o.Minor, v.Patch - o.Patch} {
		if d < 0 {
			return -1
		}
		if d > 0 {
			return 1
		}
	}
	return 0
}

// AtLeast reports whether v is major.minor.patch or newer.
func (v Version) AtLeast(major, minor, patch int) bool {
	return v.Compare(Version{major, minor, patch}) >= 0
}

// NodeRolesList reports whether the version takes roles as the node.roles
// list (7.9+) rather than as node.master/node.data/... booleans.
func (v Version) NodeRolesList() bool {
	return v.AtLeast(7, 9, 0)
}

// SecurityByDefault reports whether xpack security is on unless disabled (8.0+).
func (v Version) SecurityByDefault() bool {
	return v.Major >= 8
}

// SingleNodeDiscovery reports whether discovery.type: single-node exists (5.4+).
func (v Version) SingleNodeDiscovery() bool {
	return v.AtLeast(5, 4, 0)
}

// ZenDiscovery reports whether the version discovers nodes with zen
// (discovery.zen.ping.unicast.hosts) and needs
// discovery.zen.minimum_master_nodes: everything before 7.0.
func (v Version) ZenDiscovery() bool {
	return v.Major < 7
}

// BuiltInSecurity reports whether the official image can run with
// security on as esgen renders it: X-Pack security with per-layer TLS
// settings, from 6.0. (2.x has no built-in security; 5.x's X-Pack uses
// other TLS settings, and esgen only turns its security off.)
func (v Version) BuiltInSecurity() bool {
	return v.Major >= 6
}

// BasicLicenseSecurity reports whether security (authentication, the
// file and native realms, role-based access control and TLS) comes with
// the free basic license: from 6.8 in the 6.x line and from 7.1 (release
// notes of 7.1.0, "Moved some security features to basic", backported to
// 6.8.0). On 6.0 to 6.7 and on 7.0.x only a trial or a gold or platinum
// license has it: when the 30-day trial ends and the cluster runs on
// basic, Elasticsearch stops asking for credentials and answers anyone.
func (v Version) BasicLicenseSecurity() bool {
	return v.AtLeast(7, 1, 0) || (v.Major == 6 && v.Minor >= 8)
}

// XPack reports whether the official image knows xpack.* settings: from
// 5.0, whose image bundles the X-Pack plugin.
func (v Version) XPack() bool {
	return v.Major >= 5
}

// ImageRunsAsRoot reports whether the official image must start as root:
// 2.x's entrypoint chowns the data directory and drops to the
// elasticsearch user with gosu; that user's uid is not fixed. Later
// images run as uid 1000.
func (v Version) ImageRunsAsRoot() bool {
	return v.Major < 5
}

// SystemCallFilterSetting reports whether bootstrap.system_call_filter
// exists: it was named in 5.2 and removed in 8.0, when filters became mandatory.
func (v Version) SystemCallFilterSetting() bool {
	return v.AtLeast(5, 2, 0) && v.Major < 8
}

// roleSince is the first version that has each role.
var roleSince = map[Role]Version{
	RoleMaster:              {2, 0, 0},
	RoleData:                {2, 0, 0},
	RoleIngest:              {5, 0, 0},
	RoleML:                  {5, 4, 0},
	RoleVotingOnly:          {7, 3, 0},
	RoleTransform:           {7, 7, 0},
	RoleRemoteClusterClient: {7, 7, 0},
	RoleDataHot:             {7, 10, 0},
	RoleDataWarm:            {7, 10, 0},
	RoleDataCold:            {7, 10, 0},
	RoleDataContent:         {7, 10, 0},
	RoleDataFrozen:          {7, 12, 0},
}

// AllRoles lists every role esgen knows, in SPEC.md's order.
var AllRoles = []Role{
	RoleMaster, RoleData, RoleIngest, RoleML, RoleDataHot, RoleDataWarm, RoleDataCold,
	RoleDataFrozen, RoleDataContent, RoleTransform, RoleRemoteClusterClient, RoleVotingOnly,
}

// RoleSince returns the first version that has role, and false for an unknown role.
func RoleSince(role Role) (Version, bool) {
	v, ok := roleSince[role]
	return v, ok
}

// HasRole reports whether the version has the role.
func (v Version) HasRole(role Role) bool {
	since, ok := roleSince[role]
	return ok && v.Compare(since) >= 0
}

// DefaultRoles returns the roles a node of this version gets when a
// nodeSet lists none: what Elasticsearch itself gives a node without role
// settings, with the generic data role standing for every data tier.
func (v Version) DefaultRoles() []Role {
	var roles []Role
	for _, r := range []Role{RoleMaster, RoleData, RoleIngest, RoleML, RoleRemoteClusterClient, RoleTransform} {
		if v.HasRole(r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// NodeAttribute returns the setting that gives a node a custom attribute
// for allocation awareness and filtering: node.<name> in 2.x, which 5.0
// moved under node.attr.<name>.
func (v Version) NodeAttribute(name string) string {
	if v.Major < 5 {
		return "node." + name
	}
	return "node.attr." + name
}

// DefaultImage returns the official image of the version: Docker Hub's
// library image for 2.x, Elastic's registry from 5.0.
func (v Version) DefaultImage() string {
	if v.Major < 5 {
		return "elasticsearch:" + v.String()
	}
	return "docker.elastic.co/elasticsearch/elasticsearch:" + v.String()
}

// kibana4 is the Kibana 4.x release for each Elasticsearch 2.x minor:
// the line that requires it (Kibana 4.2 was the first for 2.0, and each
// later 4.x minor requires the 2.x minor released with it, e.g. "The 4.5
// release of Kibana requires Elasticsearch 2.3 or later", Kibana 4.5
// release notes), at the last patch Docker Hub's kibana image has
// (docker-library/official-images library/kibana: 4.2.2, 4.3.3, 4.4.2,
// 4.5.4, 4.6.6).
var kibana4 = map[int]Version{0: {4, 2, 2}, 1: {4, 3, 3}, 2: {4, 4, 2}, 3: {4, 5, 4}, 4: {4, 6, 6}}

// KibanaVersion returns the Kibana release esgen renders beside this
// version: the same version from 5.0, when the stack took one version
// number; for 2.x, the Kibana 4.x release of its minor.
func (v Version) KibanaVersion() Version {
	if k, ok := kibana4[v.Minor]; ok && v.Major == 2 {
		return k
	}
	return v
}

// DefaultKibanaImage returns the official Kibana image of the version:
// Docker Hub's library image for Kibana 4.x (Elastic's registry starts
// at 5.0), Elastic's registry from 5.0.
func (v Version) DefaultKibanaImage() string {
	k := v.KibanaVersion()
	if k.Major < 5 {
		return "kibana:" + k.String()
	}
	return "docker.elastic.co/kibana/kibana:" + k.String()
}
