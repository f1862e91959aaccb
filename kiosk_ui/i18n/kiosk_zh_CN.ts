<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en_US">
<context>
    <name>AppointmentCheckin</name>
    <message>
        <source>This appointment is already checked in</source>
        <translation>此预约已签到</translation>
    </message>
    <message>
        <source>This appointment was cancelled</source>
        <translation>此预约已取消</translation>
    </message>
    <message>
        <source>This appointment was marked as missed</source>
        <translation>此预约已标记为过号</translation>
    </message>
    <message>
        <source>It is too early to check in</source>
        <translation>现在签到还太早</translation>
    </message>
    <message>
        <source>The check-in time has passed</source>
        <translation>签到时间已过</translation>
    </message>
    <message>
        <source>Your appointment is on another day</source>
        <translation>您的预约不在今天</translation>
    </message>
    <message>
        <source>We could not find your appointment</source>
        <translation>没有找到您的预约</translation>
    </message>
    <message>
        <source>The camera is not working right now</source>
        <translation>摄像头暂时无法使用</translation>
    </message>
    <message>
        <source>We could not read a QR code</source>
        <translation>没有识别到二维码</translation>
    </message>
    <message>
        <source>Sorry, something went wrong</source>
        <translation>抱歉，出了点问题</translation>
    </message>
    <message>
        <source>This QR code is not a branch appointment</source>
        <translation>这个二维码不是网点预约码</translation>
    </message>
    <message>
        <source>If you have lost your ticket, please ask a member of staff.</source>
        <translation>如果您的排队凭条丢失，请咨询工作人员。</translation>
    </message>
    <message>
        <source>You can book again online, or a member of staff can help you now.</source>
        <translation>您可以在网上重新预约，或请工作人员现在为您办理。</translation>
    </message>
    <message>
        <source>Please ask a member of staff.</source>
        <translation>请咨询工作人员。</translation>
    </message>
    <message>
        <source>Check-in opens at %1. Please come back then.</source>
        <translation>%1 起可以签到，请到时再来。</translation>
    </message>
    <message>
        <source>Please ask a member of staff. They can still help you today.</source>
        <translation>请咨询工作人员，今天仍可为您办理。</translation>
    </message>
    <message>
        <source>Your appointment is on %1. Please come back that day.</source>
        <translation>您的预约日期是 %1，请当天再来。</translation>
    </message>
    <message>
        <source>The phone number and booking code did not match several times. Please ask a member of staff or call a teller.</source>
        <translation>手机号和预约码多次不匹配。请咨询工作人员，或呼叫柜员。</translation>
    </message>
    <message>
        <source>Please use your phone number and booking code instead.</source>
        <translation>请改用手机号和预约码签到。</translation>
    </message>
    <message>
        <source>Hold your phone a little closer to the camera, or use your phone number and booking code.</source>
        <translation>请把手机靠近摄像头一些，或改用手机号和预约码。</translation>
    </message>
    <message>
        <source>Please show the QR code from your booking message, or use your phone number and booking code.</source>
        <translation>请出示预约短信中的二维码，或改用手机号和预约码。</translation>
    </message>
    <message>
        <source>Please check your phone number and booking code. Tries left: %1</source>
        <translation>请核对手机号和预约码。还可以尝试 %1 次。</translation>
    </message>
    <message>
        <source>Check in for your appointment</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <source>How would you like to find your booking?</source>
        <translation>请选择查找预约的方式：</translation>
    </message>
    <message>
        <source>Scan my QR code</source>
        <translation>扫描预约二维码</translation>
    </message>
    <message>
        <source>Show the QR code from your booking message to the camera.</source>
        <translation>把预约短信中的二维码对准摄像头。</translation>
    </message>
    <message>
        <source>Enter phone number and booking code</source>
        <translation>输入手机号和预约码</translation>
    </message>
    <message>
        <source>Type them on the screen. The code is in your booking message.</source>
        <translation>在屏幕上输入。预约码在您的预约短信中。</translation>
    </message>
    <message>
        <source>Hold your QR code up to the camera</source>
        <translation>请把二维码对准摄像头</translation>
    </message>
    <message>
        <source>The camera is just above this screen. Turn up your phone&apos;s brightness.</source>
        <translation>摄像头在屏幕正上方。请调亮手机屏幕。</translation>
    </message>
    <message>
        <source>Looking for a QR code…</source>
        <translation>正在识别二维码…</translation>
    </message>
    <message>
        <source>Use phone number instead</source>
        <translation>改用手机号签到</translation>
    </message>
    <message>
        <source>Enter your mobile phone number</source>
        <translation>请输入手机号</translation>
    </message>
    <message>
        <source>The number you booked with</source>
        <translation>预约时使用的手机号</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Enter your booking code</source>
        <translation>请输入预约码</translation>
    </message>
    <message>
        <source>6 letters and numbers, from your booking message.</source>
        <translation>6 位字母和数字，见预约短信。</translation>
    </message>
    <message>
        <source>For example K7Q2MX</source>
        <translation>例如 K7Q2MX</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Find my appointment</source>
        <translation>查找我的预约</translation>
    </message>
    <message>
        <source>Checking you in and printing your ticket…</source>
        <translation>正在签到并打印排队凭条…</translation>
    </message>
    <message>
        <source>Looking for your appointment…</source>
        <translation>正在查找您的预约…</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>请稍候。</translation>
    </message>
    <message>
        <source>Is this your appointment?</source>
        <translation>这是您的预约吗？</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>今天 %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Yes, check me in</source>
        <translation>是的，签到</translation>
    </message>
    <message>
        <source>No, this is not mine</source>
        <translation>不是我的预约</translation>
    </message>
    <message>
        <source>You are checked in. Please take your ticket.</source>
        <translation>签到成功，请取走排队凭条。</translation>
    </message>
    <message>
        <source>You are checked in</source>
        <translation>签到成功</translation>
    </message>
    <message>
        <source>People ahead of you: %1 · About %2 min</source>
        <translation>前面等候 %1 人 · 约 %2 分钟</translation>
    </message>
    <message>
        <source>The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.</source>
        <translation>打印机暂时无法使用，没有纸质凭条。请记住您的排队号，或拍下这个二维码。工作人员稍后可为您补打凭条。</translation>
    </message>
    <message>
        <source>Please wait until your number is called.</source>
        <translation>请留意叫号。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Scan again</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重新输入</translation>
    </message>
    <message>
        <source>Back to the menu</source>
        <translation>返回主菜单</translation>
    </message>
</context>
<context>
    <name>Attract</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
    <message>
        <source>Debit cards · Appointments · Help from a teller</source>
        <translation>办理借记卡 · 预约签到 · 柜员协助</translation>
    </message>
    <message>
        <source>Touch the screen to start</source>
        <translation>请触摸屏幕开始</translation>
    </message>
    <message>
        <source>Getting ready…</source>
        <translation>正在准备…</translation>
    </message>
</context>
<context>
    <name>CallTellerOverlay</name>
    <message>
        <source>A teller is with you</source>
        <translation>柜员已接通</translation>
    </message>
    <message>
        <source>Calling a teller…</source>
        <translation>正在呼叫柜员…</translation>
    </message>
    <message>
        <source>We are asking a bank employee to help you. Please stay at this machine.</source>
        <translation>我们正在请银行工作人员为您服务，请留在本机旁稍候。</translation>
    </message>
    <message>
        <source>Video calls are not connected at this machine yet. If nobody comes soon, please go to the counter.</source>
        <translation>本机暂未接通视频通话。如稍后仍无人应答，请到柜台办理。</translation>
    </message>
    <message>
        <source>Cancel the call</source>
        <translation>取消呼叫</translation>
    </message>
</context>
<context>
    <name>CardIssuance</name>
    <message>
        <source>Sorry, this machine has no cards left at the moment.</source>
        <translation>抱歉，本机暂时没有可发的卡了。</translation>
    </message>
    <message>
        <source>The card was not taken in time, so the machine took it back and locked it away. Nobody can use it.</source>
        <translation>卡片未在规定时间内取走，机器已将其收回并安全保管，任何人都无法使用。</translation>
    </message>
    <message>
        <source>The card machine needs attention from staff.</source>
        <translation>发卡机需要工作人员处理。</translation>
    </message>
    <message>
        <source>The card was pulled out too early.</source>
        <translation>卡片被过早拔出。</translation>
    </message>
    <message>
        <source>The two PINs you typed were not the same, three times. The card was kept safe inside the machine.</source>
        <translation>您三次输入的两遍密码都不一致。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>The PIN was too easy to guess. The card was kept safe inside the machine.</source>
        <translation>密码过于简单，容易被猜到。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>You cancelled the PIN. The card was kept safe inside the machine.</source>
        <translation>您取消了密码设置。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>No PIN was typed in time. The card was kept safe inside the machine.</source>
        <translation>未在规定时间内输入密码。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>The PIN keypad is not working.</source>
        <translation>密码键盘暂时无法使用。</translation>
    </message>
    <message>
        <source>We cannot reach the bank right now. Nothing was opened in your name.</source>
        <translation>暂时无法连接银行。没有以您的名义开立任何账户。</translation>
    </message>
    <message>
        <source>The bank has no customer record for this ID card. A teller can open one for you.</source>
        <translation>银行没有这张证件的客户记录。柜员可以为您办理。</translation>
    </message>
    <message>
        <source>Your ID card has expired. Please bring a valid ID card.</source>
        <translation>您的证件已过期，请携带有效证件。</translation>
    </message>
    <message>
        <source>The name on your ID card is not the name the bank holds. A teller can check it with you.</source>
        <translation>证件上的姓名与银行记录不一致。柜员可以帮您核对。</translation>
    </message>
    <message>
        <source>You already have a debit card with us. A teller can help if it is lost.</source>
        <translation>您已持有本行借记卡。如卡片遗失，柜员可以帮助您。</translation>
    </message>
    <message>
        <source>You need to be older to get this card on your own. A teller can help with a parent.</source>
        <translation>您的年龄不足以独自办理此卡。柜员可以在家长陪同下为您办理。</translation>
    </message>
    <message>
        <source>The bank cannot issue a card here today. A teller can tell you why.</source>
        <translation>今天无法在此为您发卡。柜员可以告诉您原因。</translation>
    </message>
    <message>
        <source>Your signature could not be saved, so no card was given. A teller can help you.</source>
        <translation>您的签名未能保存，因此没有发卡。柜员可以帮助您。</translation>
    </message>
    <message>
        <source>The camera is not working, so we cannot check your ID here.</source>
        <translation>摄像头无法使用，本机暂时无法核验您的身份。</translation>
    </message>
    <message>
        <source>Something went wrong with the card machine.</source>
        <translation>发卡机出现故障。</translation>
    </message>
    <message>
        <source>Get a debit card</source>
        <translation>办理借记卡</translation>
    </message>
    <message>
        <source>Which one would you like?</source>
        <translation>您想办理哪一种？</translation>
    </message>
    <message>
        <source>It takes about 3 minutes. You will need:</source>
        <translation>大约需要3分钟。您需要：</translation>
    </message>
    <message>
        <source>Your ID card</source>
        <translation>您的身份证件</translation>
    </message>
    <message>
        <source>To look at the camera and do what the screen asks</source>
        <translation>看向摄像头，按屏幕提示做动作</translation>
    </message>
    <message>
        <source>To sign with your finger and choose a PIN on the keypad</source>
        <translation>用手指签名，并在密码键盘上设置密码</translation>
    </message>
    <message>
        <source>The bank will photograph your ID card and your face to check that the card is yours. The pictures are encrypted and deleted when you finish.</source>
        <translation>银行将拍摄您的证件和面部，以确认是您本人办卡。照片加密保存，办理结束后即删除。</translation>
    </message>
    <message>
        <source>I agree, let&apos;s start</source>
        <translation>我同意，开始办理</translation>
    </message>
    <message>
        <source>Follow the instructions</source>
        <translation>请按提示做动作</translation>
    </message>
    <message>
        <source>Look at the camera</source>
        <translation>请看向摄像头</translation>
    </message>
    <message>
        <source>Hold your ID card up to the camera</source>
        <translation>请将身份证件对准摄像头</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>正在打开摄像头…</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第%1步，共%2步</translation>
    </message>
    <message>
        <source>Please wait a moment…</source>
        <translation>请稍候…</translation>
    </message>
    <message>
        <source>Identity confirmed</source>
        <translation>身份核验通过</translation>
    </message>
    <message>
        <source>Next, please sign the card agreement.</source>
        <translation>下一步，请签署领卡协议。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>We could not confirm your identity</source>
        <translation>未能核实您的身份</translation>
    </message>
    <message>
        <source>You can try once more, or ask a teller for help.</source>
        <translation>您可以再试一次，或请柜员帮助。</translation>
    </message>
    <message>
        <source>Please ask a teller. They will help you get your card.</source>
        <translation>请呼叫柜员，他们会帮您办卡。</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>再试一次</translation>
    </message>
    <message>
        <source>Call a teller</source>
        <translation>呼叫柜员</translation>
    </message>
    <message>
        <source>Read and sign the card agreement</source>
        <translation>请阅读并签署借记卡领用合约</translation>
    </message>
    <message>
        <source>Sign here with your finger</source>
        <translation>请用手指在此签名</translation>
    </message>
    <message>
        <source>Please sign your name in the box.</source>
        <translation>请在框内签上您的名字。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>重签</translation>
    </message>
    <message>
        <source>Confirm signature</source>
        <translation>确认签名</translation>
    </message>
    <message>
        <source>Type the same PIN again</source>
        <translation>请再输入一次相同的密码</translation>
    </message>
    <message>
        <source>Choose a 6-digit PIN on the keypad</source>
        <translation>请在密码键盘上设置6位密码</translation>
    </message>
    <message>
        <source>That PIN is too easy to guess. Please choose another one.</source>
        <translation>这个密码太容易被猜到，请换一个。</translation>
    </message>
    <message>
        <source>The two PINs were not the same. Please start again.</source>
        <translation>两次输入的密码不一致，请重新设置。</translation>
    </message>
    <message>
        <source>Cover the keypad with your other hand. Press the green Enter key when you have typed 6 digits. The yellow key clears.</source>
        <translation>请用另一只手遮挡键盘。输入6位数字后按绿色确认键。黄色键为更正。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Please take your card</source>
        <translation>请取走您的卡</translation>
    </message>
    <message>
        <source>Printing your receipt…</source>
        <translation>正在打印凭条…</translation>
    </message>
    <message>
        <source>Preparing your card…</source>
        <translation>正在准备您的卡…</translation>
    </message>
    <message>
        <source>It is in the card slot below the screen. If it is not taken within %1 seconds, the machine keeps it safe.</source>
        <translation>卡片在屏幕下方的出卡口。如%1秒内未取走，机器会将其收回保管。</translation>
    </message>
    <message>
        <source>The bank is opening your account. Please wait, this takes a few seconds.</source>
        <translation>银行正在为您开立账户，请稍候，需要几秒钟。</translation>
    </message>
    <message>
        <source>Please wait. This takes a few seconds.</source>
        <translation>请稍候，需要几秒钟。</translation>
    </message>
    <message>
        <source>Your card is ready</source>
        <translation>您的卡已办好</translation>
    </message>
    <message>
        <source>Card number %1</source>
        <translation>卡号 %1</translation>
    </message>
    <message>
        <source>Card holder %1</source>
        <translation>持卡人 %1</translation>
    </message>
    <message>
        <source>Please take your receipt. Your card works with the PIN you chose.</source>
        <translation>请取走凭条。您的卡片使用您刚设置的密码。</translation>
    </message>
    <message>
        <source>The printer is not working right now. Scan this code with your phone to get your receipt.</source>
        <translation>打印机暂时无法使用。请用手机扫描此二维码获取凭条。</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>We could not give you a card</source>
        <translation>未能为您发卡</translation>
    </message>
    <message>
        <source>A teller can help you get your card.</source>
        <translation>柜员可以帮您办卡。</translation>
    </message>
    <message>
        <source>Back to the menu</source>
        <translation>返回主菜单</translation>
    </message>
</context>
<context>
    <name>CheckinServices</name>
    <message>
        <source>Open an account</source>
        <translation>开户</translation>
    </message>
    <message>
        <source>Loan consultation</source>
        <translation>贷款咨询</translation>
    </message>
    <message>
        <source>Wealth management</source>
        <translation>理财服务</translation>
    </message>
    <message>
        <source>Cards and payments</source>
        <translation>银行卡与支付</translation>
    </message>
    <message>
        <source>Foreign exchange</source>
        <translation>外币兑换</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>回到首页</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>Please choose your language</source>
        <translation>请选择语言</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <source>Not offered at this machine yet. A teller can help you.</source>
        <translation>本机暂未开通此业务，请找柜员办理。</translation>
    </message>
    <message>
        <source>Getting ready, please wait a moment.</source>
        <translation>正在准备，请稍候。</translation>
    </message>
    <message>
        <source>Temporarily unavailable. A teller can help you.</source>
        <translation>暂时无法使用，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>What would you like to do?</source>
        <translation>请问您要办理什么业务？</translation>
    </message>
    <message>
        <source>Touch a service to begin.</source>
        <translation>请点击下方业务开始。</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>card dispenser</source>
        <translation>发卡机</translation>
    </message>
    <message>
        <source>receipt printer</source>
        <translation>凭条打印机</translation>
    </message>
    <message>
        <source>camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot serve you right now</source>
        <translation>抱歉，本机暂停服务</translation>
    </message>
    <message>
        <source>Part of its equipment is not working. It will be back by itself as soon as it is fixed.</source>
        <translation>部分设备出现故障。修复后本机将自动恢复服务。</translation>
    </message>
    <message>
        <source>You can still:</source>
        <translation>您仍可以：</translation>
    </message>
    <message>
        <source>A bank employee will help you.</source>
        <translation>银行工作人员将为您服务。</translation>
    </message>
    <message>
        <source>Go to the counter</source>
        <translation>前往柜台</translation>
    </message>
    <message>
        <source>Our staff inside the branch are happy to help you.</source>
        <translation>网点内的工作人员乐意为您服务。</translation>
    </message>
    <message>
        <source>Not working: %1</source>
        <translation>故障设备：%1</translation>
    </message>
</context>
<context>
    <name>Services</name>
    <message>
        <source>Get a debit card</source>
        <extracomment>Modules that may provide flows; each has ``register(registry: ScreenRegistry) -&gt; None``. A module that does not exist yet is simply skipped (its menu entry stays disabled). Counts as customer activity: call it while the customer is busy without touching the screen (a card being dispensed, a face being captured) so the session stays. Builds the page&apos;s view-model (a QObject) for one customer session. Device kinds the flow cannot run without.</extracomment>
        <translation>办理借记卡</translation>
    </message>
    <message>
        <source>A new card in minutes. Please have your ID card ready.</source>
        <translation>几分钟即可拿到新卡，请准备好身份证。</translation>
    </message>
    <message>
        <source>Check in for an appointment</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <source>Booked online or by phone? Check in here.</source>
        <translation>已在网上或电话预约？请在这里签到。</translation>
    </message>
    <message>
        <source>Call a teller</source>
        <translation>呼叫柜员</translation>
    </message>
    <message>
        <source>A bank employee will help you.</source>
        <translation>银行工作人员将为您服务。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>Call a teller</source>
        <translation>呼叫柜员</translation>
    </message>
</context>
<context>
    <name>TimeoutPrompt</name>
    <message>
        <source>Need more time?</source>
        <translation>需要更多时间吗？</translation>
    </message>
    <message>
        <source>Please answer, or the screen will be cleared to protect your privacy.</source>
        <translation>为保护您的隐私，届时屏幕将自动清空。</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>Yes, I need more time</source>
        <translation>是的，我需要更多时间</translation>
    </message>
    <message>
        <source>No, I am finished</source>
        <translation>不用了，我已办完</translation>
    </message>
</context>
</TS>
