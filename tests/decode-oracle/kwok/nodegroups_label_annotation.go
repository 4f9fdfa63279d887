//go:build !ca_annotation_key

package kwok

// NodegroupsConfig as CA 1.29–1.33 have it: the annotation field is fromNodeLabelAnnotation,
// and CA's messages name the README's `fromNodeAnnotation`.
type NodegroupsConfig struct {
	FromNodeLabelKey        string `json:"fromNodeLabelKey" yaml:"fromNodeLabelKey"`
	FromNodeLabelAnnotation string `json:"fromNodeLabelAnnotation" yaml:"fromNodeLabelAnnotation"`
}

// AnnotationKey is the grouping annotation key, whichever field this version reads.
func (n *NodegroupsConfig) AnnotationKey() string { return n.FromNodeLabelAnnotation }

// AnnotationFieldInMessage is the field CA's messages name.
const AnnotationFieldInMessage = "fromNodeAnnotation"
