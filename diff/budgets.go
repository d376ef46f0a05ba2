package diff

import (
	"fmt"
	"slices"
	"strings"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/esgen/esgen/render"
)

// budgetsOf returns the PodDisruptionBudgets among objects, typed or not
// (an older policy API version parses as unstructured).
func budgetsOf(objs render.Objects) []*policyv1.PodDisruptionBudget {
	var out []*policyv1.PodDisruptionBudget
	for _, o := range objs {
		switch o := o.(type) {
		case *policyv1.PodDisruptionBudget:
			out = append(out, o)
		case *unstructured.Unstructured:
			if o.GetKind() != "PodDisruptionBudget" {
				continue
			}
			var pdb policyv1.PodDisruptionBudget
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &pdb); err == nil {
				out = append(out, &pdb)
			}
		}
	}
	return out
}

// selects reports whether a budget selects pods with the given labels.
func selects(pdb *policyv1.PodDisruptionBudget, podLabels map[string]string) bool {
	if pdb.Spec.Selector == nil {
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	return err == nil && !sel.Empty() && sel.Matches(labels.Set(podLabels))
}

// budgetsRemoved: kubectl apply leaves behind the PodDisruptionBudgets the
// new render no longer has, such as the per-nodeSet budgets
// (<c>-es-<nodeSet>) of an older esgen. A pod that two budgets select
// cannot be evicted at all, so drains stop at it.
func budgetsRemoved(c *comparison) []Finding {
	newBudgets := budgetsOf(c.new.objects)
	if len(newBudgets) == 0 {
		return nil
	}
	kept := map[string]bool{}
	for _, b := range newBudgets {
		kept[b.Namespace+"/"+b.Name] = true
	}
	var doubled, idle []*policyv1.PodDisruptionBudget
	var pods []string
	for _, b := range budgetsOf(c.old.objects) {
		if kept[b.Namespace+"/"+b.Name] {
			continue
		}
		hit := false
		for _, g := range c.new.groups {
			if g.obj == nil || g.replicas == 0 || g.namespace != b.Namespace || !selects(b, g.obj.Spec.Template.Labels) {
				continue
			}
			if slices.ContainsFunc(newBudgets, func(n *policyv1.PodDisruptionBudget) bool {
				return n.Namespace == g.namespace && selects(n, g.obj.Spec.Template.Labels)
			}) {
				hit = true
				for _, p := range g.podNames(0, g.replicas) {
					if !slices.Contains(pods, p) {
						pods = append(pods, p)
					}
				}
			}
		}
		if hit {
			doubled = append(doubled, b)
		} else {
			idle = append(idle, b)
		}
	}
	var out []Finding
	if len(doubled) > 0 {
		out = append(out, Finding{
			Severity: Disruptive, Rule: "budget-removed", Field: c.budgetRefs(doubled), Objects: budgetObjects(doubled),
			Summary: fmt.Sprintf("%s: %s then fall under two budgets, and the eviction API refuses to evict a pod under two, so kubectl drain stops at them",
				leftBehind(doubled), listSome(pods, 4)),
			Action: "after applying the new budgets, delete the old ones: " + deleteBudgets(doubled),
		})
	}
	if len(idle) > 0 {
		them := "them"
		if len(idle) == 1 {
			them = "it"
		}
		out = append(out, Finding{
			Severity: Info, Rule: "budget-removed", Field: c.budgetRefs(idle), Objects: budgetObjects(idle),
			Summary: leftBehind(idle) + "; no pod that stays falls under " + them,
			Action:  "nothing breaks; delete what is left behind once applied: " + deleteBudgets(idle),
		})
	}
	return out
}

// budgetRefs names what removes budgets: for two specs, the nodeSets
// (the budgets follow their roles); else the budgets themselves.
func (c *comparison) budgetRefs(pdbs []*policyv1.PodDisruptionBudget) string {
	if c.old.spec != nil && c.new.spec != nil {
		return "spec.nodeSets"
	}
	var refs []ref
	for _, b := range pdbs {
		refs = append(refs, objRef("PodDisruptionBudget", b.Name, ""))
	}
	return joinRefs(refs)
}

func budgetObjects(pdbs []*policyv1.PodDisruptionBudget) []string {
	var out []string
	for _, b := range pdbs {
		out = append(out, "PodDisruptionBudget/"+b.Name)
	}
	return out
}

// leftBehind says that budgets are no longer rendered and stay.
func leftBehind(pdbs []*policyv1.PodDisruptionBudget) string {
	var names []string
	for _, b := range pdbs {
		names = append(names, b.Name)
	}
	if len(names) == 1 {
		return "PodDisruptionBudget " + names[0] + " is no longer rendered, and kubectl apply does not delete it (--prune or a GitOps tool would)"
	}
	return "PodDisruptionBudgets " + strings.Join(names, ", ") + " are no longer rendered, and kubectl apply does not delete them (--prune or a GitOps tool would)"
}

func deleteBudgets(pdbs []*policyv1.PodDisruptionBudget) string {
	var cmds []string
	for _, b := range pdbs {
		cmds = append(cmds, "kubectl delete pdb "+b.Name+kubectlNamespace(b.Namespace))
	}
	return strings.Join(cmds, "; ")
}
