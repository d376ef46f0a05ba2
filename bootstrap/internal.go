package bootstrap

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/esspec"
)

// The internal user is how esgen's probes and esgen rollout's runbook
// talk to a secured node from inside its pod. It lives in the node's
// file realm, with a random password that an init container makes at each
// pod start and that never leaves the pod, so that it keeps working after
// someone changes the elastic user's password: ELASTIC_PASSWORD only
// seeds the bootstrap password, and a probe that used it would fail, and
// keep every restarted pod unready, from the first password change on.
// ECK does the same with its elastic-internal users.
//
// It has the built-in superuser role: the runbook changes cluster
// settings and flushes indices, and a built-in role resolves on every
// node, including nodes started from an older render, to which requests
// are forwarded (the master) with the user's role names.
const (
	InternalUser = "esgen-internal"
	// InternalUserContainerName runs the users tool at each pod start.
	InternalUserContainerName = "internal-user"
	// InternalUserMount holds the password file, users and users_roles.
	InternalUserMount = "/mnt/esgen-internal"
	// InternalPasswordFile holds the internal user's password, readable
	// by the elasticsearch user only.
	InternalPasswordFile = InternalUserMount + "/password"
	// UsersFile and UsersRolesFile are the file realm's files, in
	// UsersDir.
	UsersFile      = "users"
	UsersRolesFile = "users_roles"
)

// UsersDir is where the file realm reads users and users_roles: the
// config directory from 6.3, its x-pack subdirectory while X-Pack was a
// plugin (elastic/elasticsearch#32038).
func UsersDir(v esspec.Version) string {
	if !v.AtLeast(6, 3, 0) {
		return ConfigDir + "/x-pack"
	}
	return ConfigDir
}

// InternalUserEnabled reports whether pods get the internal user: when
// security is on.
func InternalUserEnabled(c *esspec.Resolved) bool {
	v := c.Version
	return c.Spec.Security.On() && v.BuiltInSecurity()
}

// usersCommand is the file realm's users tool: under bin/x-pack while
// X-Pack was a plugin (6.0 to 6.2), bin/elasticsearch-users from 6.3.
func usersCommand(v esspec.Version) string {
	if !v.AtLeast(6, 3, 0) {
		return "bin/x-pack/users"
	}
	return "bin/elasticsearch-users"
}

// InternalUserContainer returns the init container that creates the
// internal user in a fresh copy of the image's file realm, or nil when
// security is off. It writes a random password (144 bits from the
// kernel) to InternalPasswordFile and the realm's users and users_roles
// next to it; the Elasticsearch container mounts them. The files are the
// elasticsearch user's only (umask 077).
func InternalUserContainer(c *esspec.Resolved, mounts []corev1.VolumeMount) *corev1.Container {
	if !InternalUserEnabled(c) {
		return nil
	}
	v := c.Version
	lines := []string{
		"set -e",
		"umask 077",
		"head -c 18 /dev/urandom | base64 > " + InternalPasswordFile,
		usersCommand(v) + " useradd " + InternalUser + ` -p "$(cat ` + InternalPasswordFile + `)" -r superuser`,
		"cp " + UsersDir(v) + "/" + UsersFile + " " + UsersDir(v) + "/" + UsersRolesFile + " " + InternalUserMount + "/",
	}
	return toolContainer(c, InternalUserContainerName, lines, nil, mounts)
}
