package schema

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

// TestPythonSerializerProtobuf decodes bytes written by the real Python
// ProtobufSerializer (confluent-kafka 2.16.2, against Apicurio 3.3.3),
// with the base64 FileDescriptorProto it registered: json_name left out,
// a well-known import, the message indexes [1].
func TestPythonSerializerProtobuf(t *testing.T) {
	const desc = "ChZzaG9wL3BheW1lbnRzX3YxLnByb3RvEgdzaG9wLnYxGh9nb29nbGUvcHJvdG9idWYvdGltZXN0YW1wLnByb3RvIhgKCEVudmVsb3BlEgwKBG5vdGUYASABKAkioAEKDFBheW1lbnRUYWtlbhIQCghldmVudF9pZBgBIAEoCRIMCgR0eXBlGAIgASgJEhYKDmNvcnJlbGF0aW9uX2lkGAMgASgJEhQKDGNhdXNhdGlvbl9pZBgEIAEoCRIUCgxhbW91bnRfY2VudHMYBSABKAMSLAoIdGFrZW5fYXQYBiABKAsyGi5nb29nbGUucHJvdG9idWYuVGltZXN0YW1wYgZwcm90bzM="
	const value = "AAAAAAMCAgoKZmxvd2EtcGFpZBIMUGF5bWVudFRha2VuGgVmbG93YSIMZmxvd2EtcGxhY2VkKK4SMgYIwYbPyQY="
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "3.desc"), []byte(desc), 0o644); err != nil {
		t.Fatal(err)
	}
	src, _ := NewDir(dir)
	b, _ := base64.StdEncoding.DecodeString(value)
	f, err := NewDecoder(src, Options{}).DecodeFramed("payments", false, b)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeJSON(t, f.JSON)
	want := map[string]any{"eventId": "flowa-paid", "type": "PaymentTaken", "correlationId": "flowa",
		"causationId": "flowa-placed", "amountCents": "2350", "takenAt": "2025-12-06T05:46:41Z"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (%s)", k, got[k], v, f.JSON)
		}
	}
}
