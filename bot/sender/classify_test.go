package sender

import (
	"errors"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
)

func TestClassify(t *testing.T) {
	for code, want := range map[int]int{
		-1: outcomeRetry, 45011: outcomeRetry, 9500002: outcomeRetry,
		45009: outcomeQuota,                                           // a wall until the reset, not a back-off
		45066: outcomeTooFast,                                         // an attempt went out within the minute: ask again after it
		40001: outcomeRetry, 40014: outcomeRetry, 42001: outcomeRetry, // a stale token: the next call has a fresh one
		45065: outcomeAlreadySent, // confirmed with mass/get
		40007: outcomeFail, 40130: outcomeFail, 48001: outcomeFail, 45028: outcomeFail, 40003: outcomeFail,
	} {
		if got, _ := classify(&wxapi.APIError{Code: code}); got != want {
			t.Errorf("errcode %d: outcome %d, want %d", code, got, want)
		}
	}
	if got, _ := classify(errors.New("connection reset")); got != outcomeLost {
		t.Error("a network error is not taken as a possibly lost send")
	}
	if got, _ := classify(nil); got != outcomeSent {
		t.Error("success is not sent")
	}
}

func TestBackoffGrowsToAMinute(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 2 * time.Second, 2: 4 * time.Second, 5: 32 * time.Second, 6: time.Minute, 30: time.Minute} {
		if got := backoff(attempt); got != want {
			t.Errorf("backoff(%d) = %v, want %v", attempt, got, want)
		}
	}
}
