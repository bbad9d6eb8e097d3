package wxsim

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"time"
)

const (
	// pushRetries is how often a failed MASSSENDJOBFINISH push is retried,
	// as WeChat retries callbacks three times. The real spacing is
	// UNCONFIRMED; a short pause keeps tests fast.
	pushRetries    = 3
	pushRetryPause = 50 * time.Millisecond
	// pollEvery is how often WaitJobsPushed looks again.
	pollEvery = 5 * time.Millisecond
)

// pushTarget is where and when an app's job-finish events go.
type pushTarget struct {
	client *Client
	delay  time.Duration
}

// SetPush makes appID's mass jobs finish delay after they are accepted
// (real time, whatever WithClock says), and then pushes MASSSENDJOBFINISH
// to c. c may be nil to only delay the finish. Until the delay has passed,
// mass/get answers SENDING. Without SetPush jobs finish at once and
// nothing is pushed.
func (s *Server) SetPush(appID string, c *Client, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appMsgs(appID).push = &pushTarget{client: c, delay: delay}
}

// scheduleFinish ends job now, or later in a goroutine owned by the Server
// (see Close). Callers hold s.mu.
func (s *Server) scheduleFinish(a *app, job *Job) {
	t := a.msg.push
	if t == nil || s.mass.ctx.Err() != nil {
		job.Status, _ = finalStatus(job)
		return
	}
	s.mass.pending++
	s.mass.wg.Add(1)
	go s.finishLater(a.id, job.MsgID, *t)
}

func (s *Server) finishLater(appID string, msgID int64, t pushTarget) {
	defer s.mass.wg.Done()
	defer func() {
		s.mu.Lock()
		s.mass.pending--
		s.mu.Unlock()
	}()
	timer := time.NewTimer(t.delay)
	defer timer.Stop()
	select {
	case <-s.mass.ctx.Done():
		return
	case <-timer.C:
	}
	m := s.finishJob(appID, msgID)
	if t.client == nil {
		return
	}
	attempts, ok := s.push(t.client, m)
	s.mu.Lock()
	defer s.mu.Unlock()
	if job := s.apps[appID].msg.jobByID[msgID]; job != nil {
		job.PushAttempts, job.Pushed = attempts, ok
	}
}

// finishJob marks the job finished (a deleted job stays deleted) and
// builds its event.
func (s *Server) finishJob(appID string, msgID int64) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	job := s.apps[appID].msg.jobByID[msgID]
	status, pushStatus := finalStatus(job)
	if job.Status == JobSending {
		job.Status = status
	}
	return MassSendJobFinish(accountOpenID(appID), job.MsgID, pushStatus,
		job.Total, job.Filter, job.Sent, job.Errors)
}

// push delivers m, retrying a failure (an error or a non-2xx answer).
func (s *Server) push(c *Client, m Message) (attempts int, ok bool) {
	for attempts < 1+pushRetries {
		if attempts > 0 {
			select {
			case <-s.mass.ctx.Done():
				return attempts, false
			case <-time.After(pushRetryPause):
			}
		}
		attempts++
		resp, err := c.Send(s.mass.ctx, m)
		if err == nil && resp.Status >= 200 && resp.Status < 300 {
			return attempts, true
		}
	}
	return attempts, false
}

// accountOpenID is the openid-like FromUserName of an app's job-finish
// events (observed on WeChat; ToUserName is the account's id as on every
// other push, although WeChat was seen sending it empty).
func accountOpenID(appID string) string {
	sum := sha256.Sum256([]byte("wxsim/account/" + appID))
	return "o" + base64.RawURLEncoding.EncodeToString(sum[:])[:27]
}

// WaitJobsPushed waits until every accepted job of every app has finished
// and its push (with retries) is over, or ctx ends.
func (s *Server) WaitJobsPushed(ctx context.Context) error {
	for {
		s.mu.Lock()
		n := s.mass.pending
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// Close stops pending job finishes and pushes, releases calls held by
// DropAfterAccept and waits for the goroutines to end. Jobs not finished
// stay SENDING. Close it before the httptest.Server that wraps it.
func (s *Server) Close() {
	s.mu.Lock()
	s.mass.cancel() // under mu: no job schedules a goroutine after this
	s.mu.Unlock()
	s.mass.wg.Wait()
}
