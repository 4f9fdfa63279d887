//go:build ca_annotation_key

package main

// NodegroupsConfig as CA 1.34+ has it (kwok_types.go): the annotation field is fromNodeAnnotationKey.
type NodegroupsConfig struct {
	FromNodeLabelKey      string `json:"fromNodeLabelKey" yaml:"fromNodeLabelKey"`
	FromNodeAnnotationKey string `json:"fromNodeAnnotationKey" yaml:"fromNodeAnnotationKey"`
}

func (n *NodegroupsConfig) annotationKey() string { return n.FromNodeAnnotationKey }

const annotationFieldInMessage = "fromNodeAnnotationKey"
