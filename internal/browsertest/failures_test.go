package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestFailuresRedriveInBrowser: in the demo with redrive on (bearer-token
// auth, the token an operator), chromium opens /failures, opens a group
// with the demo's dead-lettered payments, follows a record's Redrive link
// to the confirmation page (which shows the original topic that the
// dlt-original-topic header names: orders), confirms, and finds the redrive in
// the audit log of /failures.
func TestFailuresRedriveInBrowser(t *testing.T) {
	const token = "browser-token-0123456789abcdef0123456789"
	t.Setenv("TRACER_AUTH_TOKEN", token)
	d := StartDemo(t, "--auth", "token", "--allow-redrive", "--redrive-operators", "token")
	b := NewBrowser(t)
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Authorization": "Bearer " + token}}); err != nil {
		t.Fatal(err)
	}
	const link = `[data-testid=failure-records] [data-testid=redrive-link]`
	deadline := time.Now().Add(90 * time.Second)
	for {
		b.Navigate(d.URL + "/failures")
		if Eval[bool](b, `!!document.querySelector("`+link+`")`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dead letter to redrive on /failures in 90 s\n%s", d.Logs())
		}
		time.Sleep(500 * time.Millisecond)
	}
	// Open the group (its records are folded) and follow a Redrive link.
	group := `[data-testid=failure-records]:has(` + link[len("[data-testid=failure-records] "):] + `)`
	b.Click(group + " summary")
	b.WaitVisible(group + " [data-testid=redrive-link]")
	record := Eval[string](b, `new URL(document.querySelector("`+group+` [data-testid=redrive-link]").href).searchParams.get("record")`)
	b.Screenshot("failures-group-open.png")
	b.Click(group + " [data-testid=redrive-link]")
	b.WaitVisible("[data-testid=redrive-confirm]")
	if got := Eval[string](b, `document.querySelector("[data-testid=redrive-topic]").textContent`); got != "orders" {
		t.Errorf("confirmation names topic %q, want orders (the demo payment service dead-letters the OrderPlaced it read; dlt-original-topic)", got)
	}
	if !strings.Contains(Eval[string](b, `document.querySelector("[data-testid=redrive-plan]").textContent`), "eventscope-redriven-by") {
		t.Error("the confirmation does not show the redrive headers")
	}
	b.Screenshot("redrive-confirm.png")
	b.Click("[data-testid=redrive-submit]")
	b.WaitVisible("[data-testid=redrive-done]")
	if got := Eval[string](b, `document.querySelector("[data-testid=redrive-done]").dataset.result`); got != "ok" {
		t.Fatalf("redrive result %q, want ok: %s", got, Eval[string](b, `document.body.innerText`))
	}
	b.Navigate(d.URL + "/failures")
	b.WaitVisible("[data-testid=audit-log]")
	rows := Eval[[]string](b, `[...document.querySelectorAll("[data-testid=audit-row]")].map(r => r.dataset.result + " " + r.cells[1].textContent + " " + r.cells[3].textContent)`)
	if len(rows) != 1 || rows[0] != "ok token "+record {
		t.Errorf("audit log rows %q, want one: ok token %s", rows, record)
	}
	b.Screenshot("failures-audit.png")
}
