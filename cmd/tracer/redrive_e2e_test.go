package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
	"github.com/eventscope/eventscope/redrive"
)

// TestRedriveEndToEnd: a Spring-style dead letter on the broker (the real
// one when EVENTSCOPE_TEST_KAFKA is set) is redriven from /failures by an
// operator with the bearer token: it arrives on its original topic with its
// key, value and headers plus the redrive headers, and is stored as a new
// step of its flow; a second redrive is refused (409) and both are in the
// audit log.
func TestRedriveEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end redrive test skipped in -short mode")
	}
	brokers := kafkatest.Broker(t)
	topic := kafkatest.Name(t, "orders")
	dlt := topic + ".DLT"
	corr := kafkatest.Name(t, "flow")
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_1_0_0
	cfg.Producer.Return.Successes = true
	prod, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatalf("producer: %v", err)
	}
	defer prod.Close()
	value := fmt.Sprintf(`{"metadata":{"eventId":"%s-e0","eventType":"OrderPlaced","correlationId":%q,"producer":"web"},"data":{"n":1}}`, corr, corr)
	hdr := func(k, v string) sarama.RecordHeader { return sarama.RecordHeader{Key: []byte(k), Value: []byte(v)} }
	if _, _, err := prod.SendMessage(&sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(corr), Value: sarama.StringEncoder(value)}); err != nil {
		t.Fatalf("produce: %v", err)
	}
	dlPart, dlOff, err := prod.SendMessage(&sarama.ProducerMessage{Topic: dlt, Key: sarama.StringEncoder(corr), Value: sarama.StringEncoder(value),
		Headers: []sarama.RecordHeader{hdr("kafka_dlt-original-topic", topic), hdr("kafka_dlt-exception-message", "timeout after 30s")}})
	if err != nil {
		t.Fatalf("produce dead letter: %v", err)
	}
	hook := &hookReceiver{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	const token = "e2e-token-0123456789abcdef0123456789"
	t.Setenv("TRACER_AUTH_TOKEN", token)
	p := tracerproc.Start(t, "serve", "--brokers", brokers[0], "--store", "sqlite://"+filepath.Join(t.TempDir(), "events.db"),
		"--from-beginning", "--topics", "^"+regexp.QuoteMeta(topic)+`(\.DLT)?$`, "--group-id", kafkatest.Name(t, "tracer"),
		"--auth", "token", "--allow-redrive", "--redrive-operators", "token",
		"--alert-webhook", hookSrv.URL, "--alert-format", "json", "--alert-interval", "200ms")
	call := bearerCaller(t, p.URL, token)
	record := fmt.Sprintf("%s/%d/%d", dlt, dlPart, dlOff)
	poll(t, 60*time.Second, "the dead letter on /api/failures", func() bool {
		code, body := call("GET", "/api/failures?topic="+url.QueryEscape(dlt), nil)
		return code == 200 && strings.Contains(body, `"count":1`)
	})
	code, body := call("GET", "/failures/redrive?record="+url.QueryEscape(record), nil)
	m := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("confirmation page: %d %s", code, body)
	}
	form := url.Values{"record": {record}, "token": {m[1]}}
	if code, body := call("POST", "/failures/redrive", form); code != 200 || !strings.Contains(body, `data-result="ok"`) {
		t.Fatalf("redrive: %d %s", code, body)
	}
	type ev struct {
		Topic   string `json:"topic"`
		Key     string `json:"key"`
		Headers []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"headers"`
	}
	var redriven *ev
	poll(t, 60*time.Second, "the redriven record stored in its flow", func() bool {
		code, body := call("GET", "/api/flows/"+url.PathEscape(corr), nil)
		var fl struct {
			Events []ev `json:"events"`
		}
		if code != 200 || json.Unmarshal([]byte(body), &fl) != nil {
			return false
		}
		for i := range fl.Events {
			for _, h := range fl.Events[i].Headers {
				if h.Key == redrive.HeaderFrom && fl.Events[i].Topic == topic {
					redriven = &fl.Events[i]
				}
			}
		}
		return len(fl.Events) == 3 && redriven != nil
	})
	got := map[string]string{}
	for _, h := range redriven.Headers {
		got[h.Key] = h.Value
	}
	if redriven.Key != corr || got[redrive.HeaderFrom] != record || got[redrive.HeaderBy] != "token" ||
		got["kafka_dlt-exception-message"] != "timeout after 30s" {
		t.Errorf("redriven record: key %q, headers %v", redriven.Key, got)
	}
	if code, _ := call("POST", "/failures/redrive", form); code != http.StatusConflict {
		t.Errorf("second redrive = %d, want 409", code)
	}
	if _, body := call("GET", "/failures", nil); strings.Count(body, `data-testid="audit-row"`) != 2 {
		t.Errorf("the audit log does not show the redrive and the refusal")
	}

	// Alerts: two records of one new failure group give one alert.
	for i := range 2 {
		v := fmt.Sprintf(`{"metadata":{"eventId":"%s-d%d","eventType":"PaymentDeclined","correlationId":%q,"producer":"billing"},"reason":"card %d declined"}`, corr, i, corr, 1000+i)
		if _, _, err := prod.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(v)}); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
	poll(t, 30*time.Second, "the PaymentDeclined alert", func() bool { return hook.count("PaymentDeclined") > 0 })
	poll(t, 30*time.Second, "both declines stored", func() bool {
		_, body := call("GET", "/api/failures?topic="+url.QueryEscape(topic), nil)
		return strings.Contains(body, `"count":2`)
	})
	// Three more check intervals must not alert again.
	deadline := time.Now().Add(600 * time.Millisecond)
	for time.Now().Before(deadline) {
		if n := hook.count("PaymentDeclined"); n != 1 {
			t.Fatalf("%d alerts for the PaymentDeclined group, want 1", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.Stop(t)
}

// bearerCaller returns a function that calls the tracer at base with the
// bearer token (a form POSTs url-encoded) and returns status and body.
func bearerCaller(t *testing.T, base, token string) func(method, path string, form url.Values) (int, string) {
	return func(method, path string, form url.Values) (int, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
}

// hookReceiver is a webhook receiver on loopback.
type hookReceiver struct {
	mu     sync.Mutex
	alerts []map[string]any
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var a map[string]any
	if json.NewDecoder(r.Body).Decode(&a) == nil {
		h.mu.Lock()
		h.alerts = append(h.alerts, a)
		h.mu.Unlock()
	}
}

func (h *hookReceiver) count(typ string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, a := range h.alerts {
		if a["type"] == typ {
			n++
		}
	}
	return n
}
