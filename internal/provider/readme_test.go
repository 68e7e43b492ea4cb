package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// providerSchemas returns the schemas Terraform gets from the provider: provider, data sources,
// resources and ephemeral resources, by name.
func providerSchemas(t *testing.T) map[string]*tfprotov6.Schema {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatal(err, resp.Diagnostics)
	}
	out := map[string]*tfprotov6.Schema{"provider": resp.Provider}
	for name, s := range resp.DataSourceSchemas {
		out["data "+name] = s
	}
	for name, s := range resp.ResourceSchemas {
		out["resource "+name] = s
	}
	for name, s := range resp.EphemeralResourceSchemas {
		out["ephemeral "+name] = s
	}
	return out
}

// Every time attribute and document names the format one way: RFC 3339, and for what the provider
// writes, UTC with an example; never ISO 8601 or a pattern such as yyyy-MM-dd.
func TestTimeFormatNamedOneWay(t *testing.T) {
	var walk func(where string, attrs []*tfprotov6.SchemaAttribute)
	walk = func(where string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			d := a.Description
			if strings.Contains(d, "ISO 8601") || regexp.MustCompile(`(?i)yyyy-mm-dd`).MatchString(d) {
				t.Errorf("%s.%s names the time format otherwise: %s", where, a.Name, d)
			}
			if strings.Contains(d, "RFC 3339") && a.Computed && !a.Optional && !strings.Contains(d, "RFC 3339, UTC (such as `") {
				t.Errorf("%s.%s: a time the provider writes is \"RFC 3339, UTC (such as `...`)\": %s", where, a.Name, d)
			}
			if a.NestedType != nil {
				walk(where+"."+a.Name, a.NestedType.Attributes)
			}
		}
	}
	for name, s := range providerSchemas(t) {
		walk(name, s.Block.Attributes)
		for _, nb := range s.Block.BlockTypes {
			walk(name+"."+nb.TypeName, nb.Block.Attributes)
		}
	}
	docs := []string{filepath.Join("..", "..", "README.md")}
	for _, glob := range []string{"templates/*.tmpl", "templates/*/*.tmpl", "docs/*.md", "docs/*/*.md"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", glob))
		docs = append(docs, files...)
	}
	for _, file := range docs {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "ISO 8601") || regexp.MustCompile(`(?i)yyyy-mm-dd`).Match(b) {
			t.Errorf("%s names the time format otherwise than RFC 3339", file)
		}
	}
}
