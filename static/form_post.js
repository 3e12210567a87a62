// Submits the form_post response form (OAuth 2.0 Form Post Response Mode).
document.forms[0].submit();
