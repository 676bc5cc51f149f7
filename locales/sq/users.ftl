# Users module (src/modules/users/errors.ts).
user-not_found = Përdoruesi nuk ekziston.
user-already_exists = Ky përdorues ekziston tashmë.
user-email_taken = Kjo adresë e-mail përdoret tashmë te ky qiramarrës.
user-invalid_email = Adresa e-mail nuk është e vlefshme.
user-invalid_display_name = Emri i shfaqur duhet të ketë nga { $min } deri në { $max } karaktere, të paktën { $min } prej tyre të dukshme, dhe asnjë karakter kontrolli ose formatimi të padukshëm (si ndërprerje rreshti ose hapësira me gjerësi zero).
user-invalid_role = Roli duhet të jetë admin, user, read_only ose custom:<emër>.
user-unknown_role = Roli { $role } nuk është i përcaktuar në këtë qiramarrës: krijojeni së pari.
user-invalid_metadata = Meta të dhënat janë shumë të mëdha (më së shumti { $limit } bajt).
user-quota_exceeded = Qiramarrësi ka arritur kufirin prej { $limit ->
    [one] { $limit } përdoruesi
   *[other] { $limit } përdoruesish
  }.
user-self_service_disabled = Ky qiramarrës nuk lejon regjistrimin e vetë-shërbimit.
user-last_admin = Administratori i fundit i një qiramarrësi nuk mund të çaktivizohet ose të ulet në rol.
user-deactivated = Përdoruesi është çaktivizuar.
user-already_deactivated = Përdoruesi është çaktivizuar tashmë.
user-not_deactivated = Përdoruesi nuk është i çaktivizuar.
user-permanently_deactivated = Përdoruesi u çaktivizua përgjithmonë dhe nuk mund të riaktivizohet.
user-missing_reactivation_date = Një çaktivizim i përkohshëm ka nevojë për një datë riaktivizimi.
user-invalid_reactivation_date = Data e riaktivizimit duhet të jetë një datë dhe orë e vlefshme (RFC 3339, për shembull 2030-01-31T09:00:00Z) në të ardhmen dhe lejohet vetëm për çaktivizim të përkohshëm.
user-invalid_deactivation_reason = Arsyeja duhet të jetë user_requested, admin_action, security_violation, inactive ose other:<tekst>.
user-email_change_cooldown = Adresa e-mail u ndryshua së fundmi. Provoni përsëri pas { $retryAfter ->
    [one] një sekonde
   *[other] { $retryAfter } sekondash
  }.
user-nothing_to_update = Asgjë për të ndryshuar: dërgoni të paktën një fushë.
user-invitation_invalid = Kjo ftesë është e pavlefshme, ka skaduar ose është përdorur tashmë.
user-invalid_status_transition = Përdoruesi nuk mund të kalojë nga { $from } në { $to }.
user-not_invited = Ky përdorues e ka pranuar tashmë ftesën (ose është çaktivizuar): nuk ka asgjë për të dërguar sërish.
user-registration_not_expired = Ky regjistrim nuk ka skaduar: është konfirmuar, e ka mbajtur një administrator, ose afati i konfirmimit nuk ka mbaruar ende.
