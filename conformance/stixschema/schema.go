package stixschema

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// BaseURL is the prefix of every schema's $id: the path below it names the
// file below the schemas directory.
const BaseURL = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// maxErrors bounds the violations one ValidateBundle call reports.
const maxErrors = 50

// Validator validates STIX 2.1 bundles and objects. It is safe for
// concurrent use.
type Validator struct {
	bundle *jsonschema.Schema
	byType map[string]*jsonschema.Schema
}

// loader maps $id URLs below BaseURL to files below dir.
type loader struct{ dir string }

func (l loader) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, BaseURL)
	if !ok || strings.Contains(rel, "..") {
		return nil, fmt.Errorf("stixschema: no local file for %s", url)
	}
	f, err := os.Open(filepath.Join(l.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("stixschema: load %s: %w", url, err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("stixschema: decode %s: %w", url, err)
	}
	return doc, nil
}

// Load compiles the schemas found in dir: the root of a copy of the OASIS
// schema repository (holding schemas/) or its schemas directory itself.
func Load(dir string) (*Validator, error) {
	if st, err := os.Stat(filepath.Join(dir, "schemas", "common")); err == nil && st.IsDir() {
		dir = filepath.Join(dir, "schemas")
	}
	if _, err := os.Stat(filepath.Join(dir, "common", "bundle.json")); err != nil {
		return nil, fmt.Errorf("stixschema: load %s: %w", dir, err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(loader{dir: dir})
	v := &Validator{byType: map[string]*jsonschema.Schema{}}
	var err error
	if v.bundle, err = c.Compile(BaseURL + "common/bundle.json"); err != nil {
		return nil, fmt.Errorf("stixschema: compile bundle: %w", err)
	}
	// Every SDO, SRO and SCO file is named after its type; a few meta
	// objects live in common/.
	files := []string{"common/marking-definition.json", "common/language-content.json", "common/extension-definition.json"}
	for _, sub := range []string{"sdos", "sros", "observables"} {
		names, err := filepath.Glob(filepath.Join(dir, sub, "*.json"))
		if err != nil {
			return nil, fmt.Errorf("stixschema: list %s: %w", sub, err)
		}
		for _, n := range names {
			files = append(files, sub+"/"+filepath.Base(n))
		}
	}
	for _, f := range files {
		s, err := c.Compile(BaseURL + f)
		if err != nil {
			return nil, fmt.Errorf("stixschema: compile %s: %w", f, err)
		}
		v.byType[strings.TrimSuffix(filepath.Base(f), ".json")] = s
	}
	return v, nil
}

// Types returns the object types the validator has a schema for, sorted.
func (v *Validator) Types() []string {
	return slices.Sorted(maps.Keys(v.byType))
}

// ValidateObject validates one STIX object (JSON) against the schema of its
// type, and its pattern when it is an indicator with pattern_type "stix".
func (v *Validator) ValidateObject(data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("stixschema: decode object: %w", err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return errors.New("stixschema: object: not a JSON object")
	}
	return v.validateObject(obj)
}

func (v *Validator) validateObject(obj map[string]any) error {
	typ, _ := obj["type"].(string)
	s, ok := v.byType[typ]
	if !ok {
		return fmt.Errorf("no schema for object type %q", typ)
	}
	var errs []error
	if err := s.Validate(obj); err != nil {
		errs = append(errs, fmt.Errorf("schema %s: %w", typ, err))
	}
	if typ == "indicator" && obj["pattern_type"] == "stix" {
		if p, ok := obj["pattern"].(string); ok {
			if err := ValidatePattern(p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, checkTimes(obj)...)
	return errors.Join(errs...)
}

// checkTimes checks what the schemas cannot: modified is not before
// created, and valid_until is after valid_from.
func checkTimes(obj map[string]any) []error {
	var errs []error
	if c, m, ok := timePair(obj, "created", "modified"); ok && m.Before(c) {
		errs = append(errs, fmt.Errorf("modified %s is before created %s", obj["modified"], obj["created"]))
	}
	if f, u, ok := timePair(obj, "valid_from", "valid_until"); ok && !u.After(f) {
		errs = append(errs, fmt.Errorf("valid_until %s is not after valid_from %s", obj["valid_until"], obj["valid_from"]))
	}
	return errs
}

func timePair(obj map[string]any, a, b string) (ta, tb time.Time, ok bool) {
	sa, oka := obj[a].(string)
	sb, okb := obj[b].(string)
	if !oka || !okb {
		return ta, tb, false
	}
	ta, erra := time.Parse(time.RFC3339Nano, sa)
	tb, errb := time.Parse(time.RFC3339Nano, sb)
	return ta, tb, erra == nil && errb == nil
}

// fullBundleLimit is the largest bundle validated against bundle.json
// object by object; see ValidateBundle.
const fullBundleLimit = 256

// ValidateBundle validates a bundle: the document against bundle.json,
// each object against its own type's schema, each STIX pattern against the
// grammar, and the cross-object rules: ids are unique, and created_by_ref
// and object_marking_refs name objects in the bundle. The error joins
// every violation found (up to 50), each naming the object's index and id.
//
// bundle.json checks each object with a oneOf over every object type's
// schema, which costs milliseconds per object. Every one of those schemas
// pins "type" to its own name, so for an object of a known type the oneOf
// holds exactly when the object is valid against its own type's schema,
// which is checked for every object anyway. A bundle of more than 256
// objects is therefore checked against bundle.json with only the first
// object of each type in its objects array.
func (v *Validator) ValidateBundle(data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("stixschema: decode bundle: %w", err)
	}
	var errs []error
	add := func(err error) {
		if len(errs) < maxErrors {
			errs = append(errs, err)
		} else if len(errs) == maxErrors {
			errs = append(errs, errors.New("stixschema: more violations left out"))
		}
	}
	root, _ := doc.(map[string]any)
	objs, _ := root["objects"].([]any)
	if err := v.bundle.Validate(envelope(root, objs)); err != nil {
		add(fmt.Errorf("stixschema: bundle schema: %w", err))
	}
	for _, err := range v.validateAll(objs) {
		if err != nil {
			add(err)
		}
	}
	ids := make(map[string]int, len(objs))
	for i, o := range objs {
		obj, _ := o.(map[string]any)
		id, _ := obj["id"].(string)
		if j, dup := ids[id]; dup {
			add(fmt.Errorf("stixschema: objects[%d]: id %s repeats objects[%d]", i, id, j))
		} else {
			ids[id] = i
		}
	}
	for i, o := range objs {
		obj, _ := o.(map[string]any)
		for _, ref := range refs(obj) {
			if _, ok := ids[ref]; !ok {
				add(fmt.Errorf("stixschema: objects[%d] %v: reference %s is not in the bundle", i, obj["id"], ref))
			}
		}
	}
	return errors.Join(errs...)
}

// envelope returns the document to check against bundle.json: root
// itself, or for a large bundle a copy holding the first object of each
// type.
func envelope(root map[string]any, objs []any) any {
	if root == nil || len(objs) <= fullBundleLimit {
		return root
	}
	short := make(map[string]any, len(root))
	for k, val := range root {
		short[k] = val
	}
	seen := map[any]bool{}
	var firsts []any
	for _, o := range objs {
		typ := any(nil)
		if obj, ok := o.(map[string]any); ok {
			typ = obj["type"]
		}
		if !seen[typ] {
			seen[typ] = true
			firsts = append(firsts, o)
		}
	}
	short["objects"] = firsts
	return short
}

// validateAll validates every object against its own schema, on as many
// goroutines as there are CPUs, and returns one error slot per object.
func (v *Validator) validateAll(objs []any) []error {
	errs := make([]error, len(objs))
	workers := min(runtime.GOMAXPROCS(0), 1+len(objs)/512)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(objs); i += workers {
				obj, ok := objs[i].(map[string]any)
				if !ok {
					errs[i] = fmt.Errorf("stixschema: objects[%d]: not a JSON object", i)
					continue
				}
				if err := v.validateObject(obj); err != nil {
					errs[i] = fmt.Errorf("stixschema: objects[%d] %v: %w", i, obj["id"], err)
				}
			}
		})
	}
	wg.Wait()
	return errs
}

// refs returns the ids obj refers to through created_by_ref and
// object_marking_refs.
func refs(obj map[string]any) []string {
	var out []string
	if s, ok := obj["created_by_ref"].(string); ok {
		out = append(out, s)
	}
	if l, ok := obj["object_marking_refs"].([]any); ok {
		for _, r := range l {
			if s, ok := r.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
