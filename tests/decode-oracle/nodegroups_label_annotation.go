//go:build !ca_annotation_key

package main

// NodegroupsConfig as CA 1.29–1.33 have it: the annotation field is fromNodeLabelAnnotation,
// and CA's messages name the README's `fromNodeAnnotation`.
type NodegroupsConfig struct {
	FromNodeLabelKey        string `json:"fromNodeLabelKey" yaml:"fromNodeLabelKey"`
	FromNodeLabelAnnotation string `json:"fromNodeLabelAnnotation" yaml:"fromNodeLabelAnnotation"`
}

func (n *NodegroupsConfig) annotationKey() string { return n.FromNodeLabelAnnotation }

const annotationFieldInMessage = "fromNodeAnnotation"
