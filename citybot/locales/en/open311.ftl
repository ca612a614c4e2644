## Open311: the API's answers (plain text, in the request's language), the card's lines about
## a report from a city system, and notices about a department's own Open311 system

open311-service-description = Reports of this kind: { $name }
open311-notice-created = Thank you: the report is queued for { $department }.
open311-notice-duplicate = An open request of this kind was already filed nearby ({ $metres } m): no new request was made, this is its id.
open311-error-api-key-missing = api_key is required
open311-error-api-key-wrong = api_key is not valid
open311-error-rate = Too many requests for this api_key: at most { $limit } a minute
open311-error-format = Format must be json or xml
open311-error-not-found = No such resource
open311-error-service-code = Unknown service_code: { $code }
open311-error-service-code-missing = service_code is required
open311-error-request-id = Unknown service_request_id: { $id }
open311-error-token = Unknown token
open311-error-number = { $field } must be a number
open311-error-location = A location is required: lat and long, or address_string
open311-error-outside = The location is outside the city boundary
open311-error-address = address_string could not be found in the city: { $address }
open311-error-description = description must have words, between { $min } and { $max } characters
open311-error-date = { $field } must be a date and time (W3C format, e.g. 2026-12-01T10:00:00Z)
open311-error-status = status must be open or closed
open311-error-too-long = { $field } is too long (at most { $max } characters)
open311-error-media-url = media_url must be an http or https address
open311-error-body = The request body is too large
open311-error-form = The body must be a web form (url-encoded, or multipart)
open311-error-method = Method not allowed
open311-error-internal = The server could not answer; please try again later

open311-card-source = 🔌 Source: { $source }
open311-card-media = 🖼 <a href="{ $url }">photo</a>
open311-card-external = 🔗 { $system }: { $id }
open311-card-external-waiting = 🔗 { $system }: not sent yet
open311-staff-no-resident = #{ $number } came from { $source }: there is no resident to write to.
open311-thread-error = ⚠️ #{ $number } could not be sent to { $system }: { $error }
open311-thread-failed = ⛔ #{ $number } was not sent to { $system } and will not be retried: { $error }
open311-external-note = { $system }: { $note }
open311-external-closed = Closed in { $system }
