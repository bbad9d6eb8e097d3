package wxsim

// Error codes of the draft box, media/uploadnews and the retired
// permanent-news calls. They sit apart from errors.go only to keep this
// group of endpoints in its own files.
const (
	// CodeInvalidArgs means an argument is out of range: draft/batchget's
	// count outside 1..20, draft/update's index past the draft's articles.
	// UNCONFIRMED: the doc names the ranges, not the code; 40097 is
	// WeChat's global "invalid args".
	CodeInvalidArgs = 40097
	// CodeContentSizeLimit means an article's content has 20 000
	// characters or 1 MB or more.
	CodeContentSizeLimit = 45002
	// CodeDescriptionSizeLimit means an article's digest is too long.
	CodeDescriptionSizeLimit = 45004
	// CodeArticleSizeLimit means too many articles (more than 8) or, for
	// newspic, pictures (more than 20).
	CodeArticleSizeLimit = 45008
	// CodeAPIUnsupported is the answer of material/add_news and
	// material/update_news since they went offline on 2022-02-28.
	CodeAPIUnsupported = 45103
)

func errInvalidArgs() *apiError { return &apiError{CodeInvalidArgs, "invalid args"} }

func errContentSizeLimit() *apiError {
	return &apiError{CodeContentSizeLimit, "content size out of limit"}
}

func errDescriptionSizeLimit() *apiError {
	return &apiError{CodeDescriptionSizeLimit, "description size out of limit"}
}

func errArticleSizeLimit() *apiError {
	return &apiError{CodeArticleSizeLimit, "article size out of limit"}
}

func errAPIUnsupported() *apiError {
	return &apiError{CodeAPIUnsupported, "This API has been unsupported"}
}
