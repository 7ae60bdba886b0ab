package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
)

// span is the lines a top-level Terraform block occupies in a .tf.json file.
type span struct {
	address    string
	start, end int // 1-based, inclusive
}

// blockSpans finds where each resource, data source, variable, output and provider sits in a Terraform JSON
// file, so that a finding reported by line (tflint) can name its resource.
func blockSpans(src []byte) ([]span, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	lineAt := lineIndex(src)

	type frame struct {
		object  bool
		nextKey bool   // in an object: the next string token is a key
		key     string // in an object: the key whose value is being read
		start   int64  // offset of the opening delimiter
	}
	var stack []frame
	var spans []span

	// path is the chain of object keys leading to the value about to be read.
	path := func() []string {
		var p []string
		for _, f := range stack {
			if f.object {
				p = append(p, f.key)
			} else {
				p = append(p, "[]")
			}
		}
		return p
	}
	// A value was read in the innermost frame: an object now expects a key again.
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].nextKey = true
		}
	}

	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return spans, err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				// InputOffset before the token may sit before whitespace or a separator; skip to the delimiter.
				start := before + int64(bytes.IndexByte(src[before:], byte(t)))
				stack = append(stack, frame{object: t == '{', nextKey: t == '{', start: start})
			case '}', ']':
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if top.object {
					if address := blockAddress(path()); address != "" {
						spans = append(spans, span{address, lineAt(top.start), lineAt(dec.InputOffset() - 1)})
					}
				}
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].nextKey {
				stack[n-1].key = t
				stack[n-1].nextKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
	return spans, nil
}

// blockAddress is the Terraform address of the object at path, or "" when it is not a block worth naming.
// cdktf writes provider configurations as a list, so provider.aws is found at provider/aws/[].
func blockAddress(path []string) string {
	switch {
	case len(path) == 3 && path[0] == "resource":
		return path[1] + "." + path[2]
	case len(path) == 3 && path[0] == "data":
		return "data." + path[1] + "." + path[2]
	case len(path) == 2 && path[0] == "variable":
		return "var." + path[1]
	case len(path) == 2 && (path[0] == "output" || path[0] == "module"):
		return path[0] + "." + path[1]
	case len(path) == 2 && path[0] == "provider":
		return "provider." + path[1]
	case len(path) == 3 && path[0] == "provider" && path[2] == "[]":
		return "provider." + path[1]
	case len(path) == 1 && (path[0] == "terraform" || path[0] == "locals"):
		return path[0]
	}
	return ""
}

// addressAt is the address of the innermost block holding line, or "".
func addressAt(spans []span, line int) string {
	best, size := "", -1
	for _, s := range spans {
		if s.start <= line && line <= s.end && (size < 0 || s.end-s.start < size) {
			best, size = s.address, s.end-s.start
		}
	}
	return best
}

// sourceIndex reads each scanned file once to name the resource at a line of it.
type sourceIndex map[string][]span

// addressAt is the address of the block at line of file, or "" when the file cannot be read (its name is
// relative to the directory the scanner started in) or the line is outside every block.
func (idx sourceIndex) addressAt(file string, line int) string {
	if file == "" || line <= 0 {
		return ""
	}
	spans, seen := idx[file]
	if !seen {
		if src, err := os.ReadFile(file); err == nil {
			spans, _ = blockSpans(src)
		}
		idx[file] = spans
	}
	return addressAt(spans, line)
}

// lineIndex returns a function from byte offset to 1-based line number.
func lineIndex(src []byte) func(int64) int {
	var starts []int64
	starts = append(starts, 0)
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, int64(i+1))
		}
	}
	return func(off int64) int {
		lo, hi := 0, len(starts)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if starts[mid] <= off {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		return lo + 1
	}
}
