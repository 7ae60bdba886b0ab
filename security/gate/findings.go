package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Severity orders findings the same way for every scanner.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

func (s Severity) String() string {
	return [...]string{"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"}[s]
}

// parseSeverity reads KICS's and conftest metadata's spelling; TRACE counts as INFO.
func parseSeverity(s string) (Severity, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "CRITICAL":
		return Critical, nil
	case "HIGH":
		return High, nil
	case "MEDIUM":
		return Medium, nil
	case "LOW":
		return Low, nil
	case "INFO", "TRACE":
		return Info, nil
	}
	return Info, fmt.Errorf("unknown severity %q", s)
}

// Scanner names, as written in the accepted-findings file.
const (
	KICS     = "kics"
	TFLint   = "tflint"
	Conftest = "conftest"
)

// Finding is one result of one scanner, reduced to what the gate needs.
type Finding struct {
	Scanner  string
	Rule     string // what an accepted entry names: KICS query id, tflint rule name, conftest rule id
	Title    string // readable name of the rule
	Severity Severity
	Stack    string // the directory holding the scanned cdk.tf.json
	Resource string // Terraform address (aws_db_instance.db, data.x.y, provider.aws, ...), "" when unknown
	File     string
	Line     int
	Detail   string
}

func stackOf(file string) string {
	if file == "" {
		return ""
	}
	return filepath.Base(filepath.Dir(file))
}

// kicsReport is the part of KICS's results.json (--report-formats json) the gate reads.
type kicsReport struct {
	FilesScanned           *int `json:"files_scanned"`
	FilesFailedToScan      int  `json:"files_failed_to_scan"`
	QueriesFailedToExecute int  `json:"queries_failed_to_execute"`
	Queries                []struct {
		QueryName string `json:"query_name"`
		QueryID   string `json:"query_id"`
		Severity  string `json:"severity"`
		Files     []struct {
			FileName      string `json:"file_name"`
			Line          int    `json:"line"`
			ResourceType  string `json:"resource_type"`
			ResourceName  string `json:"resource_name"`
			SearchKey     string `json:"search_key"`
			ExpectedValue string `json:"expected_value"`
			ActualValue   string `json:"actual_value"`
		} `json:"files"`
	} `json:"queries"`
}

// KICS names the resource in search_key as "<type>[<name>]..." or "<type>[{{<name>}}]...", sometimes after a
// "resource." or "data." prefix, and variables as "variable.{{<name>}}". resource_name is often the
// resource's name attribute or Name tag instead of its Terraform name, so it is only the fallback.
var (
	kicsSearchKey = regexp.MustCompile(`^(?:(resource|data|module)\.)?([A-Za-z0-9_]+)\[(?:\{\{)?([^\]]+?)(?:\}\})?\]`)
	kicsVariable  = regexp.MustCompile(`^variable\.(?:\{\{)?([A-Za-z0-9_-]+?)(?:\}\})?(?:\.|$)`)
)

func kicsResource(searchKey, resourceType, resourceName string) string {
	if m := kicsSearchKey.FindStringSubmatch(searchKey); m != nil {
		address := m[2] + "." + m[3]
		if m[1] == "data" || m[1] == "module" {
			address = m[1] + "." + address
		}
		return address
	}
	if m := kicsVariable.FindStringSubmatch(searchKey); m != nil {
		return "var." + m[1]
	}
	if resourceType != "" && resourceType != "n/a" && resourceName != "" && resourceName != "n/a" {
		return resourceType + "." + resourceName
	}
	return ""
}

func parseKICS(data []byte) ([]Finding, error) {
	var r kicsReport
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a KICS JSON report: %w", err)
	}
	// A scan that skipped files or queries would pass for want of findings, so it counts as not run.
	switch {
	case r.FilesScanned == nil:
		return nil, fmt.Errorf("not a KICS JSON report: no files_scanned")
	case *r.FilesScanned == 0:
		return nil, fmt.Errorf("KICS scanned no files")
	case r.FilesFailedToScan > 0:
		return nil, fmt.Errorf("KICS failed to scan %d file(s): see its log", r.FilesFailedToScan)
	case r.QueriesFailedToExecute > 0:
		return nil, fmt.Errorf("%d KICS queries failed to run: see its log", r.QueriesFailedToExecute)
	}
	var out []Finding
	sources := sourceIndex{}
	for _, q := range r.Queries {
		sev, err := parseSeverity(q.Severity)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q.QueryID, err)
		}
		for _, f := range q.Files {
			detail := f.ActualValue
			if f.ExpectedValue != "" {
				detail = fmt.Sprintf("expected: %s; actual: %s", f.ExpectedValue, f.ActualValue)
			}
			resource := kicsResource(f.SearchKey, f.ResourceType, f.ResourceName)
			if resource == "" {
				// Secret-pattern queries report only a line.
				resource = sources.addressAt(f.FileName, f.Line)
			}
			out = append(out, Finding{
				Scanner:  KICS,
				Rule:     q.QueryID,
				Title:    q.QueryName,
				Severity: sev,
				Stack:    stackOf(f.FileName),
				Resource: resource,
				File:     f.FileName,
				Line:     f.Line,
				Detail:   detail,
			})
		}
	}
	return out, nil
}

// tflintReport is tflint's --format json output.
type tflintReport struct {
	Issues []struct {
		Rule struct {
			Name     string `json:"name"`
			Severity string `json:"severity"`
			Link     string `json:"link"`
		} `json:"rule"`
		Message string      `json:"message"`
		Range   tflintRange `json:"range"`
	} `json:"issues"`
	Errors []struct {
		Message  string       `json:"message"`
		Severity string       `json:"severity"`
		Range    *tflintRange `json:"range"`
	} `json:"errors"`
}

type tflintRange struct {
	Filename string `json:"filename"`
	Start    struct {
		Line int `json:"line"`
	} `json:"start"`
}

// tflint's severities are error, warning and notice; an error means the configuration is wrong or unsafe.
var tflintSeverity = map[string]Severity{"error": High, "warning": Medium, "notice": Low, "info": Info}

// parseTFLint reads a report and finds each issue's resource from its line, since tflint reports only a
// position. tflint writes file names relative to the directory it was started in (even with --chdir), so
// the gate must run in that same directory.
func parseTFLint(data []byte) ([]Finding, error) {
	var r tflintReport
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a tflint JSON report: %w", err)
	}
	if len(r.Errors) > 0 {
		var msgs []string
		for _, e := range r.Errors {
			msgs = append(msgs, e.Message)
		}
		return nil, fmt.Errorf("tflint could not check the configuration: %s", strings.Join(msgs, "; "))
	}
	sources := sourceIndex{}
	var out []Finding
	for _, is := range r.Issues {
		sev, ok := tflintSeverity[strings.ToLower(is.Rule.Severity)]
		if !ok {
			return nil, fmt.Errorf("rule %s: unknown tflint severity %q", is.Rule.Name, is.Rule.Severity)
		}
		file := is.Range.Filename
		out = append(out, Finding{
			Scanner:  TFLint,
			Rule:     is.Rule.Name,
			Title:    is.Rule.Name,
			Severity: sev,
			Stack:    stackOf(file),
			Resource: sources.addressAt(file, is.Range.Start.Line),
			File:     file,
			Line:     is.Range.Start.Line,
			Detail:   is.Message,
		})
	}
	return out, nil
}

// conftestReport is conftest's --output json: one entry per file and namespace.
type conftestReport []struct {
	Filename   string           `json:"filename"`
	Namespace  string           `json:"namespace"`
	Warnings   []conftestResult `json:"warnings"`
	Failures   []conftestResult `json:"failures"`
	Exceptions []conftestResult `json:"exceptions"`
}

type conftestResult struct {
	Msg      string         `json:"msg"`
	Metadata map[string]any `json:"metadata"`
}

// parseConftest maps deny to HIGH and warn to MEDIUM unless the policy sets metadata severity; the policies
// in policy/ return rule and resource in metadata so that entries can name them.
func parseConftest(data []byte) ([]Finding, error) {
	var r conftestReport
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a conftest JSON report: %w", err)
	}
	var out []Finding
	for _, file := range r {
		for _, group := range []struct {
			results  []conftestResult
			severity Severity
		}{{file.Failures, High}, {file.Warnings, Medium}} {
			for _, res := range group.results {
				f := Finding{
					Scanner:  Conftest,
					Rule:     file.Namespace,
					Title:    res.Msg,
					Severity: group.severity,
					Stack:    stackOf(file.Filename),
					File:     file.Filename,
				}
				if s, ok := res.Metadata["rule"].(string); ok && s != "" {
					f.Rule = s
				}
				if s, ok := res.Metadata["resource"].(string); ok {
					f.Resource = s
				}
				if s, ok := res.Metadata["severity"].(string); ok {
					sev, err := parseSeverity(s)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", res.Msg, err)
					}
					f.Severity = sev
				}
				out = append(out, f)
			}
		}
	}
	return out, nil
}
