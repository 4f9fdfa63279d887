// Command decode-oracle decodes kwok provider configs and templates with the libraries and
// calls CA's kwok provider uses (k8s.io/apimachinery's YAMLOrJSONDecoder and YAMLReader,
// client-go's scheme and universal deserializer), at the module versions pinned by one CA
// release (see the *.mod files), and prints CA's decision and error text as JSON.
//
// It is written from reading cluster-autoscaler/cloudprovider/kwok (LoadConfigFile and
// LoadNodeTemplatesFromConfigMap) at the CA tags; CA itself is not a dependency (the module
// proxy does not serve it). Input: JSON lines {"id", "what": "config"|"templates", "text",
// "configMap"}; output: one JSON line per input {"id", "ok", "error", "templates"}, in order.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	apiv1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/yaml"
	clientscheme "k8s.io/client-go/kubernetes/scheme"

	"decode-oracle/kwok"
)

type request struct {
	ID        int    `json:"id"`
	What      string `json:"what"`
	Text      string `json:"text"`
	ConfigMap string `json:"configMap"`
}

type response struct {
	ID        int    `json:"id"`
	OK        bool   `json:"ok"`
	Error     string `json:"error"`
	Templates int    `json:"templates"`
}

// loadConfig is LoadConfigFile after the ConfigMap Get, with BuildKwokProvider's wrapping.
func loadConfig(text string) error {
	if err := checkConfig(text); err != nil {
		return fmt.Errorf("failed to load kwok provider config: %v", err)
	}
	return nil
}

func checkConfig(text string) error {
	decoder := yaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	kwokConfig := kwok.KwokProviderConfig{}
	if err := decoder.Decode(&kwokConfig); err != nil {
		return fmt.Errorf("failed to decode kwok config: %v", err)
	}
	switch kwokConfig.ReadNodesFrom {
	case "configmap":
		if kwokConfig.ConfigMap == nil {
			return fmt.Errorf("please specify a value for 'configmap' in kwok config (currently empty or undefined)")
		}
		if strings.TrimSpace(kwokConfig.ConfigMap.Name) == "" {
			return fmt.Errorf("please specify 'configmap.name' in kwok config (currently empty or undefined)")
		}
	case "cluster":
	default:
		return fmt.Errorf("'readNodesFrom' in kwok config is invalid (expected: '%s' or '%s'): %s",
			"label", "annotation", kwokConfig.ReadNodesFrom)
	}
	if kwokConfig.Nodegroups == nil {
		return fmt.Errorf("please specify a value for 'nodegroups' in kwok config (currently empty or undefined)")
	}
	label := strings.TrimSpace(kwokConfig.Nodegroups.FromNodeLabelKey)
	annotation := strings.TrimSpace(kwokConfig.Nodegroups.AnnotationKey())
	if label == "" && annotation == "" {
		return fmt.Errorf("please specify either 'nodegroups.fromNodeLabelKey' or 'nodegroups.%s' in kwok provider config (currently empty or undefined)", kwok.AnnotationFieldInMessage)
	}
	if label != "" && annotation != "" {
		return fmt.Errorf("please specify either 'nodegroups.fromNodeLabelKey' or 'nodegroups.%s' in kwok provider config (you can't use both)", kwok.AnnotationFieldInMessage)
	}
	if kwokConfig.Nodes != nil && kwokConfig.Nodes.GPUConfig != nil {
		gpu := kwokConfig.Nodes.GPUConfig
		if !(gpu.GPULabelKey != "" && gpu.AvailableGPUTypes != nil) {
			return errors.New("nodes.gpuConfig.gpuLabelKey or file.nodes.gpuConfig.availableGPUTypes is empty")
		}
	}
	return nil
}

var deserializer runtime.Decoder

// universalDeserializer is the decoder CA builds on every call (a fresh scheme from client-go's),
// built once here for speed: it holds no state between decodes.
func universalDeserializer() runtime.Decoder {
	if deserializer == nil {
		scheme := runtime.NewScheme()
		clientscheme.AddToScheme(scheme)
		deserializer = serializer.NewCodecFactory(scheme).UniversalDeserializer()
	}
	return deserializer
}

// loadTemplates is LoadNodeTemplatesFromConfigMap after the ConfigMap Get (its error goes to
// klog.Fatal unwrapped); it returns the number of Node templates.
func loadTemplates(configMapName, text string) (int, error) {
	if text == "" {
		return 0, fmt.Errorf("configmap '%s' doesn't have 'templates' key", configMapName)
	}
	decoder := universalDeserializer()
	multiDocReader := yaml.NewYAMLReader(bufio.NewReader(strings.NewReader(text)))
	objs := []runtime.Object{}
	for {
		buf, err := multiDocReader.Read()
		if err != nil {
			if err == io.EOF {
				break
			}
			return 0, err
		}
		obj, _, err := decoder.Decode(buf, nil, nil)
		if err != nil {
			return 0, err
		}
		objs = append(objs, obj)
	}
	nodes := 0
	if len(objs) > 1 {
		for _, obj := range objs {
			if _, ok := obj.(*apiv1.Node); ok {
				nodes++
			}
		}
	} else if nodelist, ok := objs[0].(*apiv1.List); ok {
		for _, item := range nodelist.Items {
			o, _, err := decoder.Decode(item.Raw, nil, nil)
			if err != nil {
				return 0, err
			}
			if _, ok := o.(*apiv1.Node); ok {
				nodes++
			}
		}
	} else {
		return 0, errors.New("invalid templates file (found something other than nodes in the file)")
	}
	return nodes, nil
}

// decide runs one request; a panic (CA would crash) is reported as its message.
func decide(req request) (resp response) {
	resp.ID = req.ID
	defer func() {
		if r := recover(); r != nil {
			resp.OK = false
			resp.Error = fmt.Sprintf("panic: %v", r)
		}
	}()
	var err error
	switch req.What {
	case "config":
		err = loadConfig(req.Text)
	case "templates":
		name := req.ConfigMap
		if name == "" {
			name = "kwok-provider-templates"
		}
		resp.Templates, err = loadTemplates(name, req.Text)
	default:
		err = fmt.Errorf("decode-oracle: unknown request %q", req.What)
	}
	resp.OK = err == nil
	if err != nil {
		resp.Error = err.Error()
	}
	return resp
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	decoder := json.NewDecoder(in)
	encoder := json.NewEncoder(out)
	for {
		var req request
		if err := decoder.Decode(&req); err != nil {
			if err == io.EOF {
				return
			}
			fmt.Fprintf(os.Stderr, "decode-oracle: bad input: %v\n", err)
			os.Exit(2)
		}
		if err := encoder.Encode(decide(req)); err != nil {
			fmt.Fprintf(os.Stderr, "decode-oracle: %v\n", err)
			os.Exit(1)
		}
	}
}
