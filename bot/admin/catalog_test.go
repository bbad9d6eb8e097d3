package admin

import (
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// verbs lists the arguments a format uses as "index:verb", sorted, so two
// formats that take the same arguments compare equal whatever their word
// order.
func verbs(format string) []string {
	re := regexp.MustCompile(`%(?:\[(\d+)\])?([a-z%])`)
	var out []string
	next := 1
	for _, m := range re.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		i := next
		if m[1] != "" {
			i, _ = strconv.Atoi(m[1])
		}
		next = i + 1
		out = append(out, strconv.Itoa(i)+":"+m[2])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestCatalogsMatch(t *testing.T) {
	zh, en := catalogZH(), catalogEN()
	for k, f := range zh {
		g, ok := en[k]
		if !ok {
			t.Errorf("en lacks %q", k)
			continue
		}
		if a, b := verbs(f), verbs(g); !slices.Equal(a, b) {
			t.Errorf("%q takes %v in zh, %v in en", k, a, b)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh lacks %q", k)
		}
	}
}

func TestCatalogWords(t *testing.T) {
	states := []broadcast.State{broadcast.StateDraft, broadcast.StatePlanned, broadcast.StateApproved,
		broadcast.StateScheduled, broadcast.StateSending, broadcast.StateSent, broadcast.StatePartiallyFailed,
		broadcast.StateRejected, broadcast.StateCancelled, broadcast.StateRetracted}
	want := map[key]string{}
	zhStates := []string{"草稿", "已预览", "已批准", "已排期", "发送中", "已发送", "部分失败", "已驳回", "已取消", "已撤回"}
	for i, s := range states {
		want[kState+key(s)] = zhStates[i]
	}
	want[kType+typeText], want[kType+typeNews], want[kType+typeImage] = "文本", "图文", "图片"
	want[kRole+"editor"], want[kRole+"approver"], want[kRole+"owner"] = "编辑", "审批人", "所有者"
	zh, en := catalogZH(), catalogEN()
	for k, w := range want {
		if zh[k] != w {
			t.Errorf("zh %q = %q, want %q", k, zh[k], w)
		}
		if en[k] == "" {
			t.Errorf("en lacks %q", k)
		}
	}
}

func TestVerbs(t *testing.T) {
	// After an explicit index, a bare verb takes the next argument.
	if got, want := verbs("#%[1]d a %[2]s b %[1]d %d%%"), []string{"1:d", "2:d", "2:s"}; !slices.Equal(got, want) {
		t.Errorf("verbs = %v, want %v", got, want)
	}
}
