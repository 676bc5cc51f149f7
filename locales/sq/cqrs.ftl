# Gabimet e autobusit të komandave (src/framework/cqrs).
command-invalid_id = Çelësi i idempotencës duhet të ketë 1 deri në 200 shkronja, shifra ose karaktere . _ : -.
command-id_reused = Çelësi i idempotencës { $commandId } është përdorur tashmë për një kërkesë tjetër.
