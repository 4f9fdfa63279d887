//go:build ca_annotation_key

package kwok

// NodegroupsConfig as CA 1.34+ has it (kwok_types.go): the annotation field is fromNodeAnnotationKey.
type NodegroupsConfig struct {
	FromNodeLabelKey      string `json:"fromNodeLabelKey" yaml:"fromNodeLabelKey"`
	FromNodeAnnotationKey string `json:"fromNodeAnnotationKey" yaml:"fromNodeAnnotationKey"`
}

// AnnotationKey is the grouping annotation key, whichever field this version reads.
func (n *NodegroupsConfig) AnnotationKey() string { return n.FromNodeAnnotationKey }

// AnnotationFieldInMessage is the field CA's messages name.
const AnnotationFieldInMessage = "fromNodeAnnotationKey"
