package configs

import (
	"reflect"
	"testing"
)

func TestSetLeafFloat(t *testing.T) {
	tests := []struct {
		raw     string
		want    float64
		wantErr bool
	}{
		{"0.05", 0.05, false},
		{" 1 ", 1, false},
		{"0", 0, false},
		{".5", 0.5, false},
		{"1e-2", 0.01, false},
		{"-0.5", -0.5, false}, // parses; Validate refuses it
		{"5%", 0, true},
		{"", 0, true},
		{"0,05", 0, true},
		{"NaN", 0, true},
		{"Inf", 0, true},
		{"-Inf", 0, true},
		{"1e999", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			var f float64
			err := setLeaf(reflect.ValueOf(&f).Elem(), tt.raw)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %v, want an error", f)
				}
				return
			}
			if err != nil || f != tt.want {
				t.Errorf("got %v, %v; want %v", f, err, tt.want)
			}
		})
	}
}
