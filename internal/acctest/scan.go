package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Scanners of plans and states, for tests of what must and must not be stored.

// PlanCheckFunc is a plan check written as a function.
type PlanCheckFunc func(*tfjson.Plan) error

// CheckPlan implements plancheck.PlanCheck.
func (f PlanCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

// StateCheckFunc is a state check written as a function.
type StateCheckFunc func(*tfjson.State) error

// CheckState implements statecheck.StateCheck.
func (f StateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
}

// StateString is the string attribute attr of the root-module resource or data source addr in a
// state, or "" if there is none.
func StateString(s *tfjson.State, addr, attr string) string {
	if s == nil || s.Values == nil || s.Values.RootModule == nil {
		return ""
	}
	for _, r := range s.Values.RootModule.Resources {
		if r.Address == addr {
			v, _ := r.AttributeValues[attr].(string)
			return v
		}
	}
	return ""
}

// ScanArtifact marshals a plan or state (what names it in errors), as `terraform show -json` gave
// it, back to JSON and looks for the strings that must (present) and must not (absent) be there,
// each keyed by its description. A present string shows that the scan can see what it looks for,
// so an empty one is an error too: the scan could not tell it from none.
func ScanArtifact(what string, v any, present, absent map[string]string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep & in URLs as it is
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("marshalling the %s: %w", what, err)
	}
	text := buf.String()
	var errs []string
	for name, s := range present {
		switch {
		case s == "":
			errs = append(errs, fmt.Sprintf("the %s holds no %s: the scan could not tell one from none", what, name))
		case !strings.Contains(text, s):
			errs = append(errs, fmt.Sprintf("the %s (%d bytes of JSON) lacks %s %q: the scan is blind", what, len(text), name, s))
		}
	}
	for name, s := range absent {
		if i := strings.Index(text, s); i >= 0 {
			errs = append(errs, fmt.Sprintf("the %s contains %s %q: …%s…", what, name, s, text[max(0, i-80):min(len(text), i+len(s)+80)]))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}
