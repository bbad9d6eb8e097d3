package main

import (
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/bot/results"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
)

// The results service counts the conversions the attributes API and
// imports find (attrs.ConversionOptions.Conversions).
var _ attrs.Conversions = (*results.Service)(nil)

// warnConversionAttributes logs each of results.conversion_attributes the
// rules file does not declare: the attributes API and imports refuse an
// undeclared attribute, so no write can ever change it.
func warnConversionAttributes(cfg *configs.Config, rs *rules.Ruleset, log *zap.Logger) {
	for _, name := range undeclaredConversions(cfg.Results.ConversionAttributes, rs) {
		log.Warn("results.conversion_attributes names an attribute the rules file does not declare: no write can change it",
			zap.String("attribute", name))
	}
}

func undeclaredConversions(names []string, rs *rules.Ruleset) []string {
	var out []string
	for _, name := range names {
		if _, ok := rs.AttrType(name); !ok {
			out = append(out, name)
		}
	}
	return out
}
