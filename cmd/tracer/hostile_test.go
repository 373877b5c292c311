package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
)

// Hostile input, end to end, per store (issue 17): records crafted to slip
// past redaction (F1 header spellings, F2 a byte order mark, UTF-16), to
// inject a Mermaid directive (F7), with IDs that are not UTF-8 (F8), a
// record time after 2262 (F9), one event ID in two flows (F11); and
// requests with a foreign Host or Origin (F3). The real binary serves them
// from the real Kafka into each store.

func TestHostileSQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "events.db")
	p, brokers, topic := hostile(t, "sqlite://"+db)
	failingWrites(t, p, brokers, topic, db+"-wal")
}

func TestHostileClickHouse(t *testing.T) {
	hostile(t, freshClickHouse(t))
}

// failingWrites makes the store's write-ahead log immutable (chattr +i,
// root only: elsewhere it skips and says so), produces a record and
// expects /readyz to turn 503 while the writes fail and 200 once they
// succeed again (F10).
func failingWrites(t *testing.T, p *tracerproc.Proc, brokers []string, topic, wal string) {
	if os.Geteuid() != 0 {
		t.Log("not root: /readyz under failing writes not tested here (chattr +i needs root)")
		return
	}
	if out, err := exec.Command("chattr", "+i", wal).CombinedOutput(); err != nil {
		t.Logf("chattr +i %s: %v %s: /readyz under failing writes not tested here", wal, err, out)
		return
	}
	defer exec.Command("chattr", "-i", wal).Run()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	prod, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	if _, _, err := prod.SendMessage(&sarama.ProducerMessage{Topic: topic, Headers: []sarama.RecordHeader{{Key: []byte("event-id"), Value: []byte("h-f10")}}}); err != nil {
		t.Fatal(err)
	}
	poll(t, 30*time.Second, "/readyz 503 while writes fail", func() bool {
		code, body := getBody(t, p.URL+"/readyz", nil)
		return code == http.StatusServiceUnavailable && strings.Contains(body, "store writes failing")
	})
	exec.Command("chattr", "-i", wal).Run()
	poll(t, 60*time.Second, "/readyz 200 once writes succeed", func() bool {
		code, _ := getBody(t, p.URL+"/readyz", nil)
		return code == http.StatusOK
	})
}

const hostileRedaction = `redaction:
  rules:
    - mask:
        headers: [correlation-id, x-customer-email]
        json: ["**.email", "metadata.correlationId"]
`

// Values that must never be shown.
var hostileSecrets = []string{"alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com",
	"erin@example.com", "frank@example.com"}

func hostile(t *testing.T, storeDSN string) (*tracerproc.Proc, []string, string) {
	if testing.Short() {
		t.Skip("end-to-end hostile-input test skipped in -short mode")
	}
	brokers := kafkatest.Broker(t)
	topic := kafkatest.Name(t, "hostile")
	cfg := filepath.Join(t.TempDir(), "tracer.yaml")
	writeFileAt(t, cfg, hostileRedaction)
	t.Setenv("TRACER_REDACT_SECRET", "a-hostile-test-secret-of-enough-bytes")
	produceHostile(t, brokers, topic)
	p := tracerproc.Start(t, "serve", "--brokers", brokers[0], "--store", storeDSN, "--from-beginning",
		"--topics", "^"+topic+"$", "--group-id", kafkatest.Name(t, "tracer"), "--redact-config", cfg, "--search-rate", "-1")
	poll(t, 60*time.Second, "10 hostile records stored", func() bool {
		var fl apiFlows
		getJSON(t, p.URL, "/api/flows?limit=100&q="+url.QueryEscape("topic:"+topic), &fl)
		n := 0
		for _, f := range fl.Flows {
			n += f.EventCount
		}
		return n == 10
	})

	// F1, F2: no secret anywhere the API or the pages show.
	pages := []string{"/api/flows?limit=100", "/api/events/h-f1", "/api/events/h-f2", "/api/events/h-f2b", "/events/h-f1", "/live",
		"/api/events/h-cap", "/events/h-cap"}
	var flows apiFlows
	getJSON(t, p.URL, "/api/flows?limit=100&q="+url.QueryEscape("topic:"+topic), &flows)
	for _, f := range flows.Flows {
		pages = append(pages, "/api/flows/"+url.PathEscape(f.CorrelationID), "/flows/"+url.PathEscape(f.CorrelationID))
	}
	for _, path := range pages {
		code, body := getBody(t, p.URL+path, nil)
		if code != 200 {
			t.Errorf("GET %s: %d", path, code)
		}
		for _, s := range hostileSecrets {
			if strings.Contains(body, s) {
				t.Errorf("GET %s shows %q", path, s)
			}
		}
	}
	if _, body := getBody(t, p.URL+"/api/events/h-f2", nil); !strings.Contains(body, `redacted:`) {
		t.Errorf("BOM-prefixed JSON not redacted in place: %s", body)
	}
	// Redaction before the payload cap: the correlation ID beyond the cap,
	// under a masked path, is masked; the cut, redacted payload is kept.
	if _, body := getBody(t, p.URL+"/api/events/h-cap", nil); !strings.Contains(body, `"correlation_id":"redacted:`) ||
		!strings.Contains(body, `"truncated":true`) {
		t.Errorf("ID beyond the payload cap under a masked path: %.300s", body)
	}
	if _, body := getBody(t, p.URL+"/api/events/h-f2b", nil); !strings.Contains(body, "payload dropped by redaction") {
		t.Errorf("UTF-16 payload under a JSON rule not dropped: %s", body)
	}

	// F3: a foreign Host gets 421 without data; a foreign Origin 403.
	if code, body := getBody(t, p.URL+"/api/flows", map[string]string{"Host": "evil.example"}); code != http.StatusMisdirectedRequest || strings.Contains(body, "flow-") {
		t.Errorf("foreign Host: %d %q", code, body)
	}
	if code, _ := getBody(t, p.URL+"/api/flows", map[string]string{"Origin": "http://evil.example"}); code != http.StatusForbidden {
		t.Errorf("foreign Origin: %d", code)
	}

	// F7: the event ID's directive is inert in the Mermaid export.
	if code, body := getBody(t, p.URL+"/flows/flow-f7/export?format=mermaid", nil); code != 200 || strings.Contains(body, "%%{") {
		t.Errorf("Mermaid export: %d\n%s", code, body)
	}

	// F8: the invalid UTF-8 flow ID is listed in its canonical form, and
	// that form finds it.
	found := false
	for _, f := range flows.Flows {
		if f.CorrelationID == `flow-\xff-f8` {
			found = true
		}
	}
	if code, _ := getBody(t, p.URL+"/api/flows/"+url.PathEscape(`flow-\xff-f8`), nil); !found || code != 200 {
		t.Errorf("flow with invalid UTF-8: listed %v, fetched %d", found, code)
	}

	// F9: a record time after 2262 is kept at the last storable time.
	var e9 struct {
		Event struct {
			KafkaTime time.Time `json:"kafka_time"`
		} `json:"event"`
	}
	if getJSON(t, p.URL, "/api/events/h-f9", &e9) != 200 || e9.Event.KafkaTime.Year() != 2262 {
		t.Errorf("far-future record time shown as %v", e9.Event.KafkaTime)
	}

	// F11: one event ID in two flows lists both.
	var e11 struct {
		Flows []string `json:"flows"`
	}
	if getJSON(t, p.URL, "/api/events/h-shared", &e11) != 200 || len(e11.Flows) != 2 {
		t.Errorf("event ID in two flows: flows %v", e11.Flows)
	}

	// F4: a flow pages.
	var page struct {
		Events     []any  `json:"events"`
		NextCursor string `json:"next_cursor"`
	}
	if getJSON(t, p.URL, "/api/flows/flow-f9?limit=1", &page) != 200 || len(page.Events) != 1 || page.NextCursor == "" {
		t.Errorf("paging: %d events, cursor %q", len(page.Events), page.NextCursor)
	}
	if code, _ := getBody(t, p.URL+"/readyz", nil); code != 200 {
		t.Errorf("/readyz: %d", code)
	}
	return p, brokers, topic
}

func produceHostile(t *testing.T, brokers []string, topic string) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	// Kafka refuses record times over an hour ahead unless the topic says.
	admin, err := sarama.NewClusterAdmin(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	maxMS := "9223372036854775807"
	err = admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"message.timestamp.after.max.ms": &maxMS}}, false)
	admin.Close()
	if err != nil {
		t.Fatalf("create %s: %v", topic, err)
	}
	prod, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	h := func(kv ...string) []sarama.RecordHeader {
		var out []sarama.RecordHeader
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, sarama.RecordHeader{Key: []byte(kv[i]), Value: []byte(kv[i+1])})
		}
		return out
	}
	utf16 := []byte{0xff, 0xfe}
	for _, r := range `{"eventId":"h-f2b","email":"dave@example.com"}` {
		utf16 = append(utf16, byte(r), 0)
	}
	now := time.Now()
	msgs := []*sarama.ProducerMessage{
		{Headers: h("event-id", "h-f1", "Correlation_Id", "alice@example.com", "x_customer_email", "bob@example.com"), Value: sarama.StringEncoder(`{"n":1}`)},
		{Value: sarama.StringEncoder("\ufeff" + `{"eventId":"h-f2","correlationId":"flow-f2","email":"carol@example.com"}`)},
		{Headers: h("event-id", "h-f2b", "x-correlation-id", "flow-f2"), Value: sarama.ByteEncoder(utf16)},
		{Headers: h("event-id", `%%{init: {"themeCSS": "x{background:url(https://evil.example/leak)}"}}%%`, "x-correlation-id", "flow-f7")},
		{Headers: h("event-id", "h-f8", "x-correlation-id", "flow-\xff-f8")},
		{Headers: h("event-id", "h-f9", "x-correlation-id", "flow-f9"), Timestamp: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Headers: h("event-id", "h-f9b", "x-correlation-id", "flow-f9", "causation-id", "h-f9"), Timestamp: now},
		{Headers: h("event-id", "h-shared", "x-correlation-id", "flow-f11a")},
		{Headers: h("event-id", "h-shared", "x-correlation-id", "flow-f11b")},
		{Value: sarama.StringEncoder(`{"eventId":"h-cap","email":"frank@example.com","pad":"` + strings.Repeat("x", 300<<10) +
			`","metadata":{"correlationId":"erin@example.com"}}`)},
	}
	for _, m := range msgs {
		m.Topic = topic
		if m.Timestamp.IsZero() {
			m.Timestamp = now
		}
	}
	if err := prod.SendMessages(msgs); err != nil {
		if errs, ok := err.(sarama.ProducerErrors); ok {
			for _, e := range errs {
				t.Errorf("produce %v: %v", e.Msg.Headers, e.Err)
			}
		}
		t.Fatal(err)
	}
}

// getBody GETs u with the given headers ("Host" sets the Host).
func getBody(t *testing.T, u string, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
