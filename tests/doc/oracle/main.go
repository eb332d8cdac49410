// Command kubectl-oracle reads manifest files exactly as kubectl v1.33.13
// does for `kubectl patch --local --type merge -p '{}' -o json -f FILE`:
// cli-runtime's resource builder (apimachinery's YAMLOrJSONDecoder, which
// sniffs JSON and falls back to YAML, sigs.k8s.io/yaml, the unstructured
// scheme, the metadata type check, list flattening), then the empty merge
// patch and the JSON printer. For each path given on standard input (one per
// line) it writes one JSON line:
//
//	{"file": PATH, "objects": ["<object as -o json prints it>", ...], "errors": ["..."]}
//
// Unlike kubectl's printer it keeps metadata.managedFields: the oracle shows
// what kubectl sends, as `kubeguard convert -o json` does.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/cli-runtime/pkg/resource"
)

type record struct {
	File    string   `json:"file"`
	Objects []string `json:"objects"`
	Errors  []string `json:"errors"`
}

// printed is the object as `kubectl patch --local --type merge -p '{}' -o json` prints it.
func printed(obj runtime.Object) (string, error) {
	original, err := runtime.Encode(unstructured.UnstructuredJSONScheme, obj)
	if err != nil {
		return "", err
	}
	patched, err := jsonpatch.MergePatch(original, []byte("{}"))
	if err != nil {
		return "", err
	}
	target, err := runtime.Decode(unstructured.UnstructuredJSONScheme, patched)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := (&printers.JSONPrinter{}).PrintObj(target, &out); err != nil {
		return "", err
	}
	return out.String(), nil
}

func read(path string) record {
	rec := record{File: path, Objects: []string{}, Errors: []string{}}
	f, err := os.Open(path)
	if err != nil {
		rec.Errors = append(rec.Errors, err.Error())
		return rec
	}
	defer f.Close()
	result := resource.NewLocalBuilder().Unstructured().ContinueOnError().Stream(f, path).Flatten().Do()
	err = result.Visit(func(info *resource.Info, err error) error {
		if err != nil {
			return err
		}
		text, err := printed(info.Object)
		if err != nil {
			return err
		}
		rec.Objects = append(rec.Objects, text)
		return nil
	})
	if err != nil {
		rec.Errors = append(rec.Errors, err.Error())
	}
	return rec
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		if err := enc.Encode(read(in.Text())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		out.Flush()
	}
}
