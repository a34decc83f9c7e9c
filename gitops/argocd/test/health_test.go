// Package test runs the ArgoCD health checks of this folder's parent (gitops/argocd/<group>/<kind>/health.lua)
// against the cases of their health_test.yaml, the way ArgoCD's own harness does (argo-cd util/lua): the object
// of each testdata file is loaded as a Lua table into the global "obj", the script runs in gopher-lua (the Lua
// engine ArgoCD embeds), and the returned table, encoded to JSON, must equal the expected {status, message}.
//
// Each case runs three ways:
//   - "argocd-harness": standard libraries open and numbers as float64, as ArgoCD's TestLuaHealthScript;
//   - "argocd-cm": only the package, base and table libraries, as ArgoCD runs a health check configured in
//     argocd-cm (resource.customizations.useOpenLibs is false by default);
//   - "controller": integers as int64, as the application controller passes live objects.
package test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	luajson "layeh.com/gopher-json"
	"sigs.k8s.io/yaml"
)

const customizationsDir = ".."

// healthStatus mirrors gitops-engine's health.HealthStatus.
type healthStatus struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

type testStructure struct {
	Tests []struct {
		InputPath    string       `json:"inputPath"`
		HealthStatus healthStatus `json:"healthStatus"`
	} `json:"tests"`
}

var validStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true,
}

type mode struct {
	name        string
	useOpenLibs bool
	int64s      bool
}

var modes = []mode{
	{"argocd-harness", true, false},
	{"argocd-cm", false, false},
	{"controller", false, true},
}

// decodeValue converts a Go value of an unstructured object into a Lua value, as ArgoCD does.
func decodeValue(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case []any:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(decodeValue(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return tbl
	case nil:
		return lua.LNil
	}
	return lua.LNil
}

// toInt64s turns whole float64 numbers into int64, as a live object decoded by client-go has them.
func toInt64s(value any) any {
	switch v := value.(type) {
	case float64:
		if v == float64(int64(v)) {
			return int64(v)
		}
		return v
	case []any:
		for i := range v {
			v[i] = toInt64s(v[i])
		}
		return v
	case map[string]any:
		for k := range v {
			v[k] = toInt64s(v[k])
		}
		return v
	}
	return value
}

// executeHealthLua runs script with obj as ArgoCD's VM.ExecuteHealthLua does.
func executeHealthLua(obj map[string]any, script string, useOpenLibs bool) (*healthStatus, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: !useOpenLibs})
	defer l.Close()
	for _, pair := range []struct {
		n string
		f lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(pair.f), NRet: 0, Protect: true}, lua.LString(pair.n)); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", decodeValue(l, obj))
	if err := l.DoString(script); err != nil {
		return nil, err
	}
	ret := l.Get(-1)
	if ret.Type() != lua.LTTable {
		return nil, fmt.Errorf("expect table output from Lua script, not %s", ret.Type())
	}
	raw, err := luajson.Encode(ret)
	if err != nil {
		return nil, err
	}
	hs := &healthStatus{}
	if err := json.Unmarshal(raw, hs); err != nil {
		return nil, err
	}
	if !validStatuses[hs.Status] {
		return &healthStatus{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
	}
	return hs, nil
}

type healthCase struct {
	name, dir, inputPath, script string
	expected                     healthStatus
}

func collectCases(t *testing.T) []healthCase {
	t.Helper()
	var cases []healthCase
	err := filepath.WalkDir(customizationsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() != "health.lua" {
			return nil
		}
		dir := filepath.Dir(path)
		script, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		raw, err := os.ReadFile(filepath.Join(dir, "health_test.yaml"))
		if err != nil {
			return fmt.Errorf("every health.lua needs a health_test.yaml: %w", err)
		}
		var ts testStructure
		if err := yaml.UnmarshalStrict(raw, &ts); err != nil {
			return fmt.Errorf("parsing %s/health_test.yaml: %w", dir, err)
		}
		prefix, _ := filepath.Rel(customizationsDir, dir)
		for _, tc := range ts.Tests {
			cases = append(cases, healthCase{
				name:      filepath.ToSlash(filepath.Join(prefix, tc.InputPath)),
				dir:       dir,
				inputPath: filepath.Join(dir, tc.InputPath),
				script:    string(script),
				expected:  tc.HealthStatus,
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

func TestLuaHealthScript(t *testing.T) {
	cases := collectCases(t)
	if len(cases) == 0 {
		t.Fatalf("no health_test.yaml case found under %s", customizationsDir)
	}
	for _, tc := range cases {
		for _, m := range modes {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				raw, err := os.ReadFile(tc.inputPath)
				if err != nil {
					t.Fatal(err)
				}
				obj := map[string]any{}
				if err := yaml.Unmarshal(raw, &obj); err != nil {
					t.Fatal(err)
				}
				if m.int64s {
					toInt64s(obj)
				}
				got, err := executeHealthLua(obj, tc.script, m.useOpenLibs)
				if err != nil {
					t.Fatalf("health.lua failed: %v", err)
				}
				if *got != tc.expected {
					t.Errorf("health of %s:\n got  %+v\n want %+v", tc.inputPath, *got, tc.expected)
				}
			})
		}
	}
}

// Every expected status is one ArgoCD knows, and every file in testdata/ is used by a case.
func TestHealthTestYamlIsComplete(t *testing.T) {
	used := map[string]bool{}
	dirs := map[string]bool{}
	for _, tc := range collectCases(t) {
		if !validStatuses[tc.expected.Status] {
			t.Errorf("%s: expected status %q is not an ArgoCD health status", tc.name, tc.expected.Status)
		}
		used[filepath.Clean(tc.inputPath)] = true
		dirs[tc.dir] = true
	}
	for dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "testdata", "*.yaml"))
		for _, f := range files {
			if !used[filepath.Clean(f)] {
				t.Errorf("%s is not referenced by %s/health_test.yaml", f, dir)
			}
		}
	}
}

// The kstatus mapping: each expected status appears, so no branch of the script goes untested.
func TestEveryOutcomeIsCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range collectCases(t) {
		seen[tc.expected.Status] = true
	}
	for _, s := range []string{"Healthy", "Progressing", "Degraded"} {
		if !seen[s] {
			t.Errorf("no case expects %s", s)
		}
	}
}

// docs/gitops.md carries the script in its argocd-cm snippet: it must be the same script.
func TestDocsSnippetMatchesScript(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "gitops.md"))
	if err != nil {
		t.Skipf("docs/gitops.md not readable: %v", err)
	}
	script, err := os.ReadFile(filepath.Join("..", "ses.mre.dev", "MultiRegionEndpoint", "health.lua"))
	if err != nil {
		t.Fatal(err)
	}
	var indented strings.Builder
	for _, line := range strings.Split(strings.TrimRight(string(script), "\n"), "\n") {
		if line == "" {
			indented.WriteString("\n")
		} else {
			indented.WriteString("    " + line + "\n")
		}
	}
	if !strings.Contains(string(doc), indented.String()) {
		t.Errorf("docs/gitops.md does not contain health.lua verbatim (indented by 4 spaces under " +
			"resource.customizations.health.ses.mre.dev_MultiRegionEndpoint); copy it again")
	}
}
