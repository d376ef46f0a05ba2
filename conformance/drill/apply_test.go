package drill

import "testing"

func TestClaimNotSeen(t *testing.T) {
	for reason, want := range map[string]bool{
		`0/3 nodes are available: persistentvolumeclaim "elasticsearch-data-search-es-default-0" not found. not found`: true,
		`0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.`:                                     false,
		`0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.`:                         false,
	} {
		if got := claimNotSeen(reason); got != want {
			t.Errorf("claimNotSeen(%q) = %v, want %v", reason, got, want)
		}
	}
}
