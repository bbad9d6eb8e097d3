package broadcast

import (
	"encoding/json"
	"fmt"
)

// SchemaVersion is the version of the record format this wxcast writes.
//
// Version 1 (records without a schema field) stored each content with Go's
// default JSON names (Type, Text, MediaID); version 2 names them type,
// text and media_id and carries the schema field. A replica reads every
// version up to its own and writes its own. A record of a newer version
// is read as far as this replica understands it, but never written: a
// replica not yet upgraded must not drop what a newer one stored.
const SchemaVersion = 2

// NewerRecordError refuses to write a record of a schema this replica
// does not know.
type NewerRecordError struct {
	ID     int64
	Schema int
}

func (e *NewerRecordError) Error() string {
	return fmt.Sprintf("broadcast %d: the record has schema %d, newer than this wxcast's %d: upgrade this replica before it changes the broadcast",
		e.ID, e.Schema, SchemaVersion)
}

// v1Content is a content as version 1 stored it.
type v1Content struct{ Type, Text, MediaID string }

func (c v1Content) content() Content { return Content{Type: c.Type, Text: c.Text, MediaID: c.MediaID} }

// decode reads a stored record of any version.
func decode(id int64, rec []byte) (*Broadcast, error) {
	var b Broadcast
	if err := json.Unmarshal(rec, &b); err != nil {
		return nil, fmt.Errorf("broadcast %d: decode record: %w", id, err)
	}
	if b.Schema == 0 {
		b.Schema = 1
	}
	if b.Schema == 1 {
		var v1 struct {
			Content  v1Content   `json:"content"`
			Variants []v1Content `json:"variants"`
		}
		if err := json.Unmarshal(rec, &v1); err != nil {
			return nil, fmt.Errorf("broadcast %d: decode version 1 content: %w", id, err)
		}
		b.Content = v1.Content.content()
		for i, c := range v1.Variants {
			if i < len(b.Variants) {
				b.Variants[i] = c.content()
			}
		}
	}
	return &b, nil
}

// encode writes b in this version's format; it refuses a record of a
// newer schema.
func encode(b *Broadcast) ([]byte, error) {
	if b.Schema > SchemaVersion {
		return nil, &NewerRecordError{ID: b.ID, Schema: b.Schema}
	}
	c := *b
	c.Schema = SchemaVersion
	return json.Marshal(&c)
}
