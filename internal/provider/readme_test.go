package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
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

// computedNames lists the computed-only attributes of attrs with their nested attributes' names
// ("mezzanine", "file_url", ...), sorted.
func computedNames(attrs []*tfprotov6.SchemaAttribute) []string {
	var out []string
	for _, a := range attrs {
		if !a.Computed || a.Optional || a.Required {
			continue
		}
		out = append(out, a.Name)
		if a.NestedType != nil {
			for _, n := range a.NestedType.Attributes {
				out = append(out, n.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// codeNames returns the `names` in text, sorted.
func codeNames(text string) []string {
	var out []string
	for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// README's lists of the attributes of vod_image and of vod_images' elements are the schema's.
func TestREADMEAttributeListsMatchTheSchema(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	schemas := providerSchemas(t)
	var elements []*tfprotov6.SchemaAttribute
	for _, a := range schemas["data vod_images"].Block.Attributes {
		if a.Name == "images" {
			elements = a.NestedType.Attributes
		}
	}
	for _, tc := range []struct {
		what, after string
		schema      []*tfprotov6.SchemaAttribute
	}{
		{"vod_image", "plan time, before any request. Attributes: ", schemas["data vod_image"].Block.Attributes},
		{"vod_images' elements", "Each element of `images` has these attributes: ", elements},
	} {
		_, list, ok := strings.Cut(readme, tc.after)
		if !ok {
			t.Errorf("README.md has no %q", tc.after)
			continue
		}
		list, _, _ = strings.Cut(list, ". ")
		if got, want := codeNames(list), computedNames(tc.schema); !slices.Equal(got, want) {
			t.Errorf("README.md lists the attributes of %s as\n%v\nthe schema has\n%v", tc.what, got, want)
		}
	}
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
