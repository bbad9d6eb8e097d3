package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeAttributesAPI checks the wiring: api.token turns the endpoint
// on and the live rules file's attributes decide what it takes.
func TestServeAttributesAPI(t *testing.T) {
	r := newImportRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := startServe(t, ctx, append(r.env, "WXCAST_API_TOKEN=e2e-token-0123456789abcdef"))
	t.Cleanup(func() { cancel(); <-done })
	req, _ := http.NewRequest(http.MethodPut, "http://"+addr+"/api/followers/oE2E/attributes", strings.NewReader(`{"vip_level": 2, "city": "广州"}`))
	req.Header.Set("Authorization", "Bearer e2e-token-0123456789abcdef")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != 200 || string(body) != `{"openid":"oE2E","changed":true,"attributes":{"city":"广州","vip_level":2}}`+"\n" {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	p, _ := r.followers.Profile(ctx, "oE2E")
	if a := p.Attrs(); a["vip_level"] != "2" {
		t.Errorf("stored %v", a)
	}
}
